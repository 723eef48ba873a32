using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Workflows.Runs;
using InfluenceFunctions.Workflows.Topics;

namespace InfluenceFunctions.Workflows.Nightly;

/// <summary>
/// Setup and completion of a night's run: the calibration the next night uses, the shadow report, the leaderboards,
/// and the run record, which only this class writes (running at setup; completed, or failed with the step and reason).
/// The completion merges what the shards handed on and scans no table.
/// </summary>
public sealed class NightlyRunService(
    InfluenceTables tables,
    NightlyInputsCache inputs,
    ScoreModels models,
    LeaderboardBuilder leaderboards,
    ScoreReader scoreReader,
    IOptions<InfluenceOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<RunPlan> PlanAsync(NightlyRunInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var spend = StorageRequestCounter.BeginScope();
        var settings = options.Value;
        var runId = NightlyRunOrchestrator.InstanceIdFor(input.Day);
        var shadow = string.IsNullOrWhiteSpace(settings.ShadowModelVersion) ? null : settings.ShadowModelVersion;
        _ = models.Get(settings.LiveModelVersion);
        _ = shadow is null ? null : models.Get(shadow); // Fail the run up front on an unknown version, not in every shard.
        await tables.CreateIfNotExistsAsync(cancellationToken);
        var record = new RunRecordEntity(input.Day)
        {
            RunId = runId,
            RunStatus = RunStatus.Running,
            ModelVersion = settings.LiveModelVersion,
            Shards = settings.ShardCount,
            StartedUtc = DateTimeOffset.UtcNow,
        };
        await tables.Runs.UpsertEntityAsync(record, TableUpdateMode.Replace, cancellationToken);
        return new RunPlan(input.Day, runId, settings.ShardCount, settings.ShardsPerSubOrchestration, settings.LiveModelVersion, shadow, spend.Count, spend.Retries);
    }

    public async Task<NightlyRunSummary> CompleteAsync(CompleteRunInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var spend = StorageRequestCounter.BeginScope();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var merged = input.Totals.Summary;
        await WriteCalibrationAsync(models.Get(input.Plan.ModelVersion), input.Plan.Day, merged.CalibrationSample, merged.ScaleRows, null, cancellationToken);
        if (input.Plan.ShadowModelVersion is { } shadow)
        {
            // A shadow v2 follows the live scores' distribution (ADR 0019): at the switch people move by their order only.
            var live = merged.ShadowDiff is { Live: var counts } && counts.Histogram.Sum() >= ScaleFit.MinimumSample ? Calibration.PercentilesMatching(counts.Histogram) : null;
            await WriteCalibrationAsync(models.Get(shadow), input.Plan.Day, merged.ShadowCalibrationSample, merged.ShadowScaleRows, live, cancellationToken);
            var report = ShadowReport(merged);
            var reportRow = new TableEntity(shadow, DayKeys.NewestFirst(input.Plan.Day)) { ["Report"] = JsonSerializer.Serialize(report, Json) };
            await tables.ShadowReports.UpsertEntityAsync(reportRow, TableUpdateMode.Replace, cancellationToken);
        }

        await leaderboards.CompleteAsync(input.Plan.Day, cancellationToken);

        // The record's own write is counted too: +1.
        var transactions = input.Totals.StorageTransactions + input.Plan.SetupTransactions + spend.Count + 1;
        var retries = input.Totals.StorageRetries + input.Plan.SetupRetries + spend.Retries;
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
            users == 0 ? 0 : (double)transactions / users,
            input.Plan.ShadowModelVersion,
            retries,
            clock.Elapsed.TotalSeconds);
        var record = new RunRecordEntity(input.Plan.Day)
        {
            RunId = input.Plan.RunId,
            RunStatus = RunStatus.Completed,
            ModelVersion = summary.ModelVersion,
            Shards = summary.Shards,
            StartedUtc = new DateTimeOffset(input.StartedUtc, TimeSpan.Zero),
            CompletedUtc = new DateTimeOffset(input.CompletedUtc, TimeSpan.Zero),
            DurationSeconds = summary.DurationSeconds,
            UsersScored = summary.UsersScored,
            UsersUnscored = summary.UsersUnscored,
            UsersSkipped = summary.UsersSkipped,
            StorageTransactions = summary.StorageTransactions,
            StorageRetries = summary.StorageRetries,
            TransactionsPerUser = summary.TransactionsPerUser,
            CompletionSeconds = summary.CompletionSeconds,
        };
        await tables.Runs.UpsertEntityAsync(record, TableUpdateMode.Replace, cancellationToken);
        inputs.Clear();
        scoreReader.ForgetAll(); // Lookups in this process see the new night at once; others reach their next-run bound.
        return summary;
    }

    /// <summary>Adds the webhook dispatch's storage spend (and this update: +1) to the night's record.</summary>
    public async Task<NightlyRunSummary> RecordDispatchAsync(RecordDispatchInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var summary = input.Summary;
        using var spend = StorageRequestCounter.BeginScope();
        var transactions = summary.StorageTransactions + input.DispatchTransactions + 1;
        var users = summary.UsersScored + summary.UsersUnscored;
        var updated = summary with { StorageTransactions = transactions, TransactionsPerUser = users == 0 ? 0 : (double)transactions / users, StorageRetries = summary.StorageRetries + input.DispatchRetries };
        var record = new TableEntity(RunRecordEntity.Partition, DayKeys.Of(summary.Day))
        {
            [nameof(RunRecordEntity.StorageTransactions)] = updated.StorageTransactions,
            [nameof(RunRecordEntity.StorageRetries)] = updated.StorageRetries,
            [nameof(RunRecordEntity.TransactionsPerUser)] = updated.TransactionsPerUser,
        };
        await tables.Runs.UpdateEntityAsync(record, ETag.All, TableUpdateMode.Merge, cancellationToken);
        return updated;
    }

    /// <summary>
    /// Marks the night failed, with the step and the reason (the record stays otherwise as the run left it). Merged, so
    /// a plan that failed before writing the record still leaves one. A re-run's plan replaces it whole.
    /// </summary>
    public async Task<bool> RecordFailureAsync(RunFailure input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var record = new TableEntity(RunRecordEntity.Partition, DayKeys.Of(input.Day))
        {
            [nameof(RunRecordEntity.RunId)] = input.RunId,
            [nameof(RunRecordEntity.Status)] = StoredNames.Of(RunStatus.Failed),
            [nameof(RunRecordEntity.FailedStep)] = StoredNames.Of(input.Step),
            [nameof(RunRecordEntity.FailureReason)] = input.Reason.Length <= RunRecordEntity.MaxReasonLength ? input.Reason : input.Reason[..RunRecordEntity.MaxReasonLength],
            [nameof(RunRecordEntity.FailedUtc)] = DateTimeOffset.UtcNow,
        };
        await tables.Runs.UpsertEntityAsync(record, TableUpdateMode.Merge, cancellationToken);
        return true;
    }

    /// <summary>The newest shadow diff report for a version, or null.</summary>
    public async Task<(DateOnly Day, ShadowDiffReport Report)?> LatestShadowReportAsync(string shadowVersion, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shadowVersion}");
        await foreach (var row in tables.ShadowReports.QueryAsync<TableEntity>(filter, maxPerPage: 1, cancellationToken: cancellationToken))
        {
            return (DayKeys.FromNewestFirst(row.RowKey), JsonSerializer.Deserialize<ShadowDiffReport>(row.GetString("Report"), Json)!);
        }

        return null;
    }

    /// <summary>
    /// The calibration the next night uses. Model v1 blends in the raw-index samples the shards handed on; model v2 refits
    /// its network scales and knots (<see cref="ScaleFit"/>) from the shards' scale summary rows, merged in O(shards).
    /// </summary>
    private async Task WriteCalibrationAsync(IScoreModel model, DateOnly day, double[] sample, int scaleRows, IReadOnlyList<double>? matchPercentiles, CancellationToken cancellationToken)
    {
        var used = await inputs.CalibrationAsync(model, day, cancellationToken);
        Calibration next;
        if (model is ScoreModelV2)
        {
            var (summary, rows) = await ScaleSummaryRows.MergeNightAsync(tables.ScaleSummaries, model.Version, day, cancellationToken);
            if (rows != scaleRows)
            {
                throw new InvalidOperationException($"Model {model.Version}: {scaleRows} shards handed over a scale summary for {day:yyyy-MM-dd}, {rows} rows were found.");
            }

            next = ScaleFit.Trailing(used, summary, matchPercentiles);

            // Last night's rows stay (a completion retried or re-run after midnight reads its own night's); older ones go.
            await ScaleSummaryRows.DeleteBeforeAsync(tables.ScaleSummaries, model.Version, day.AddDays(-1), cancellationToken);
        }
        else
        {
            next = sample.Length == 0 ? used : Calibration.Trailing(used, sample);
        }

        await tables.Calibration.UpsertEntityAsync(CalibrationRows.ToEntity(next, day), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// Live against shadow for the night, merged from the shards' summaries: every user both models processed that
    /// night (scored or not; people withdrawn tonight are in neither). Nothing is read back: the completion is O(shards).
    /// </summary>
    private static ShadowDiffReport ShadowReport(ShardSummary merged)
    {
        var builder = new ShadowDiffBuilder();
        if (merged.ShadowDiff is { } diff)
        {
            builder.Add(diff);
        }

        return builder.Build();
    }
}
