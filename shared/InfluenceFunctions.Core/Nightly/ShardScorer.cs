using Azure.Data.Tables;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Nightly;

/// <summary>
/// Scores one shard for one night. Storage spend per shard: one partition query of signals, one of scores
/// (pages of 1,000), the shared population and calibration (once per process), score rows written in
/// 100-entity transactions, and one population row. Idempotent: the same night re-run writes the same rows.
/// </summary>
public sealed class ShardScorer(
    InfluenceTables tables,
    NightlyInputsCache inputs,
    IOptions<InfluenceOptions> options,
    ILogger<ShardScorer> logger)
{
    /// <summary>Nights a user must have been scored before their engagement counts at full weight.</summary>
    public const int EstablishedNights = 7;

    public async Task<ShardOutcome> ScoreAsync(ScoreShardInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var spend = StorageRequestCounter.BeginScope();
        var model = ScoreModels.Get(options.Value.LiveModelVersion);
        var shardKey = Shards.Key(input.Shard);
        var population = await inputs.PopulationAsync(input.Day.AddDays(-1), cancellationToken);
        var calibration = await inputs.CalibrationAsync(model, input.Day, cancellationToken);

        var scoreRows = new Dictionary<string, ScoreEntity>(StringComparer.Ordinal);
        await foreach (var row in tables.Scores.QueryAsync<ScoreEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {shardKey}"), maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            scoreRows[row.RowKey] = row;
        }

        var toWrite = new List<ScoreEntity>();
        var scoredUsers = new List<(ulong Key, PopulationEntry Entry)>();
        var samples = new List<(ulong Key, double Raw)>();
        int scored = 0, unscored = 0, skipped = 0;
        var dayText = input.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await foreach (var signals in tables.Signals.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {shardKey}"), maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            var userInput = SignalRows.ToScoringInput(signals, input.Day, null);
            if (userInput.Networks.Count == 0)
            {
                continue; // Engagement-only row: an account that engages our users but has no connected network of its own.
            }

            scoreRows.TryGetValue(signals.RowKey, out var row);
            if (row is not null && string.CompareOrdinal(row.Day, dayText) > 0)
            {
                skipped++; // A newer night already scored this user; an old night re-run must not overwrite it.
                continue;
            }

            row ??= new ScoreEntity(shardKey, signals.RowKey);
            var result = model.Score(userInput with { Yesterday = ScoreRows.YesterdayFor(row, input.Day) }, population, calibration);
            ScoreRows.Apply(row, input.Day, input.RunId, result);
            toWrite.Add(row);
            if (result.Score is { } score)
            {
                scored++;
                var flags = result.NightsScored < EstablishedNights ? PopulationFlags.New : PopulationFlags.None;
                scoredUsers.Add((userInput.UserKey, new PopulationEntry((byte)score, flags)));
                samples.Add((userInput.UserKey, result.RawIndex));
            }
            else
            {
                unscored++;
            }
        }

        await TableBatches.UpsertAsync(tables.Scores, toWrite, TableUpdateMode.Replace, cancellationToken);
        await tables.Population.UpsertEntityAsync(PopulationSnapshot.ShardRow(input.Day, shardKey, scoredUsers), TableUpdateMode.Replace, cancellationToken);

        logger.LogInformation("Scored shard {Shard} for {Day}: {Scored} scored, {Unscored} unscored, {Transactions} storage transactions", input.Shard, input.Day, scored, unscored, spend.Count);
        return new ShardOutcome(input.Shard, scored, unscored, skipped, spend.Count, Sample(samples, options.Value.CalibrationSamplePerShard));
    }

    /// <summary>A deterministic sample: the users with the smallest keys, so a re-run samples the same people.</summary>
    private static double[] Sample(List<(ulong Key, double Raw)> all, int size) =>
        all.OrderBy(s => s.Key).Take(size).Select(s => s.Raw).ToArray();
}
