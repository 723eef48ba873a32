using System.Collections.Concurrent;
using Azure.Data.Tables;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Runs;

namespace InfluenceFunctions.Workflows.Nightly;

/// <summary>
/// The inputs every shard of a night shares: last night's population and the calibration in force. Loaded once per
/// process per night (one partition query each) instead of once per shard.
/// </summary>
public sealed class NightlyInputsCache(InfluenceTables tables)
{
    private readonly ConcurrentDictionary<DateOnly, Lazy<Task<PopulationSnapshot>>> populations = new();
    private readonly ConcurrentDictionary<(string, DateOnly), Lazy<Task<Calibration>>> calibrations = new();

    /// <summary>The population scored on <paramref name="day"/> (empty when that night did not run).</summary>
    public Task<PopulationSnapshot> PopulationAsync(DateOnly day, CancellationToken cancellationToken)
    {
        Trim(populations, day);
        return Load(populations, day, () => LoadPopulationAsync(day, cancellationToken));
    }

    /// <summary>The newest calibration produced before <paramref name="day"/>, else the model's default.</summary>
    public Task<Calibration> CalibrationAsync(IScoreModel model, DateOnly day, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Load(calibrations, (model.Version, day), () => LoadCalibrationAsync(model, day, cancellationToken));
    }

    public void Clear()
    {
        populations.Clear();
        calibrations.Clear();
    }

    private static async Task<T> Load<TKey, T>(ConcurrentDictionary<TKey, Lazy<Task<T>>> cache, TKey key, Func<Task<T>> load)
        where TKey : notnull
    {
        var lazy = cache.GetOrAdd(key, _ => new Lazy<Task<T>>(load));
        try
        {
            return await lazy.Value;
        }
        catch
        {
            cache.TryRemove(new KeyValuePair<TKey, Lazy<Task<T>>>(key, lazy));
            throw;
        }
    }

    private static void Trim<T>(ConcurrentDictionary<DateOnly, T> cache, DateOnly current)
    {
        foreach (var key in cache.Keys.Where(k => Math.Abs(k.DayNumber - current.DayNumber) > 3))
        {
            cache.TryRemove(key, out _);
        }
    }

    private async Task<PopulationSnapshot> LoadPopulationAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var entries = new Dictionary<ulong, PopulationEntry>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {DayKeys.Of(day)}");
        await foreach (var row in tables.Population.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            PopulationSnapshot.AddShard(row, entries);
        }

        return new PopulationSnapshot(entries);
    }

    private async Task<Calibration> LoadCalibrationAsync(IScoreModel model, DateOnly day, CancellationToken cancellationToken)
    {
        // Newest-first row keys: the first row after this day's key is the newest earlier night.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {model.Version} and RowKey gt {DayKeys.NewestFirst(day)}");
        await foreach (var row in tables.Calibration.QueryAsync<TableEntity>(filter, maxPerPage: 1, cancellationToken: cancellationToken))
        {
            return CalibrationRows.Read(row);
        }

        return model.DefaultCalibration;
    }
}
