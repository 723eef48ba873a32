using Azure;
using Azure.Data.Tables;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Nightly;

/// <summary>Told when a night's run has completed (e.g. to drop cached lookups).</summary>
public interface IRunCompletedObserver
{
    Task OnRunCompletedAsync(NightlyRunSummary summary, CancellationToken cancellationToken);
}

/// <summary>Setup and completion of a night's run: the run record and the calibration the next night uses.</summary>
public sealed class NightlyRunService(
    InfluenceTables tables,
    NightlyInputsCache inputs,
    IOptions<InfluenceOptions> options,
    IEnumerable<IRunCompletedObserver> observers)
{
    public async Task<RunPlan> PlanAsync(NightlyRunInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var spend = StorageRequestCounter.BeginScope();
        var settings = options.Value;
        var runId = NightlyRunOrchestrator.InstanceIdFor(input.Day);
        await tables.CreateIfNotExistsAsync(cancellationToken);
        var record = new RunRecordEntity(input.Day)
        {
            RunId = runId,
            Status = "running",
            ModelVersion = settings.LiveModelVersion,
            Shards = settings.ShardCount,
            StartedUtc = DateTimeOffset.UtcNow,
        };
        await tables.Runs.UpsertEntityAsync(record, TableUpdateMode.Replace, cancellationToken);
        return new RunPlan(input.Day, runId, settings.ShardCount, settings.ShardsPerSubOrchestration, settings.LiveModelVersion, spend.Count);
    }

    public async Task<NightlyRunSummary> CompleteAsync(CompleteRunInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var spend = StorageRequestCounter.BeginScope();
        var model = ScoreModels.Get(input.Plan.ModelVersion);
        var used = await inputs.CalibrationAsync(model, input.Plan.Day, cancellationToken);
        var next = input.Totals.RawSample.Length == 0
            ? used
            : Calibration.Trailing(used, input.Totals.RawSample);
        var calibrationRow = new TableEntity(model.Version, DayKeys.NewestFirst(input.Plan.Day)) { ["Knots"] = next.Serialize() };
        await tables.Calibration.UpsertEntityAsync(calibrationRow, TableUpdateMode.Replace, cancellationToken);

        // The record's own write is counted too: +1.
        var transactions = input.Totals.StorageTransactions + input.Plan.SetupTransactions + spend.Count + 1;
        var users = input.Totals.UsersScored + input.Totals.UsersUnscored;
        var summary = new NightlyRunSummary(
            input.Plan.Day,
            input.Plan.RunId,
            input.Plan.ModelVersion,
            input.Plan.ShardCount,
            input.Totals.UsersScored,
            input.Totals.UsersUnscored,
            input.Totals.UsersSkipped,
            (input.CompletedUtc - input.StartedUtc).TotalSeconds,
            transactions,
            users == 0 ? 0 : (double)transactions / users);
        var record = new RunRecordEntity(input.Plan.Day)
        {
            RunId = input.Plan.RunId,
            Status = "completed",
            ModelVersion = summary.ModelVersion,
            Shards = summary.Shards,
            StartedUtc = new DateTimeOffset(input.StartedUtc, TimeSpan.Zero),
            CompletedUtc = new DateTimeOffset(input.CompletedUtc, TimeSpan.Zero),
            DurationSeconds = summary.DurationSeconds,
            UsersScored = summary.UsersScored,
            UsersUnscored = summary.UsersUnscored,
            UsersSkipped = summary.UsersSkipped,
            StorageTransactions = summary.StorageTransactions,
            TransactionsPerUser = summary.TransactionsPerUser,
        };
        await tables.Runs.UpsertEntityAsync(record, TableUpdateMode.Replace, cancellationToken);
        inputs.Clear();
        foreach (var observer in observers)
        {
            await observer.OnRunCompletedAsync(summary, cancellationToken);
        }

        return summary;
    }

    public async Task<RunRecordEntity?> GetRecordAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var response = await tables.Runs.GetEntityIfExistsAsync<RunRecordEntity>(RunRecordEntity.Partition, DayKeys.Of(day), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>The newest completed run, if any (for "when is the next recalculation" and cache validators).</summary>
    public async Task<RunRecordEntity?> LatestCompletedAsync(CancellationToken cancellationToken)
    {
        RunRecordEntity? latest = null;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {RunRecordEntity.Partition} and Status eq {"completed"}");
        try
        {
            await foreach (var row in tables.Runs.QueryAsync<RunRecordEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
            {
                latest = row;
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }

        return latest;
    }
}
