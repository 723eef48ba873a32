using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Workflows.Runs;

/// <summary>Input of the nightly orchestration: the night it scores. The instance id is derived from it.</summary>
public sealed record NightlyRunInput(DateOnly Day);

/// <summary>What the run setup found: how many shards there are and what model runs.</summary>
public sealed record RunPlan(DateOnly Day, string RunId, int ShardCount, int ShardsPerSubOrchestration, string ModelVersion, string? ShadowModelVersion, long SetupTransactions, long SetupRetries);

/// <summary>A contiguous range of shards, scored by one sub-orchestration.</summary>
public sealed record ShardRange(RunPlan Plan, int FirstShard, int Count);

public sealed record ScoreShardInput(DateOnly Day, string RunId, int Shard, string ModelVersion, string? ShadowModelVersion);

/// <summary>
/// One shard's outcome: its counts, the storage it spent (requests, and how many of them were SDK retries), and its
/// <see cref="ShardSummary"/>. Nothing here grows with the shard's users, so neither does the orchestration's history.
/// </summary>
public sealed record ShardOutcome(int Shard, int UsersScored, int UsersUnscored, int UsersSkipped, long StorageTransactions, long StorageRetries, ShardSummary Summary)
{
    /// <summary>Adds outcomes up, in the order given (the summary's samples keep it: order by shard for a deterministic night).</summary>
    public static ShardOutcome Sum(int shard, IEnumerable<ShardOutcome> outcomes)
    {
        var list = outcomes.ToList();
        return new ShardOutcome(
            shard,
            list.Sum(o => o.UsersScored),
            list.Sum(o => o.UsersUnscored),
            list.Sum(o => o.UsersSkipped),
            list.Sum(o => o.StorageTransactions),
            list.Sum(o => o.StorageRetries),
            ShardSummary.Merge(list.Select(o => o.Summary)));
    }
}

/// <summary>
/// What a shard hands on to the night's completion: bounded summaries only, each a named part whose size does not
/// depend on the shard's users (a fixed-size calibration sample per model, the live-against-shadow diff as histograms
/// and top movers). The night merges them with <see cref="Merge"/>; the completion reads nothing else back, so it costs
/// O(shards). Adding a kind of summary is adding a part here and to <see cref="Merge"/>: the orchestration only moves
/// and merges this record. A part too large for a message (model v2's scale summary, tens of kilobytes) goes into a row
/// per (night, shard) instead, and the record counts the rows (<paramref name="ScaleRows"/> live,
/// <paramref name="ShadowScaleRows"/> shadow) so the completion knows it read them all.
/// </summary>
public sealed record ShardSummary(double[] CalibrationSample, double[] ShadowCalibrationSample, ShadowDiffSummary? ShadowDiff, int ScaleRows = 0, int ShadowScaleRows = 0)
{
    public static ShardSummary Empty { get; } = new([], [], null);

    /// <summary>Samples are concatenated in the order given; the shadow diffs add up (histograms summed, top movers kept).</summary>
    public static ShardSummary Merge(IEnumerable<ShardSummary> summaries)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var list = summaries.ToList();
        var diffs = list.Select(s => s.ShadowDiff).OfType<ShadowDiffSummary>().ToList();
        ShadowDiffSummary? diff = null;
        if (diffs.Count > 0)
        {
            var builder = new ShadowDiffBuilder(diffs.Max(d => d.TopMovers));
            foreach (var part in diffs)
            {
                builder.Add(part);
            }

            diff = builder.Summary();
        }

        return new ShardSummary(
            list.SelectMany(s => s.CalibrationSample).ToArray(),
            list.SelectMany(s => s.ShadowCalibrationSample).ToArray(),
            diff,
            list.Sum(s => s.ScaleRows),
            list.Sum(s => s.ShadowScaleRows));
    }
}

/// <summary>Progress shown as the orchestration's custom status.</summary>
public sealed record RunProgress(RunPhase Phase, int ShardsDone, int ShardsTotal, int UsersScored, int UsersUnscored);

/// <summary>Where a night is, as its progress says it ("plan", "scoring", ... in JSON).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(KebabCaseEnumConverter<RunPhase>))]
public enum RunPhase
{
    Plan,
    Scoring,
    Completing,
    Completed,
    Failed,
}

public sealed record CompleteRunInput(RunPlan Plan, DateTime StartedUtc, DateTime CompletedUtc, ShardOutcome Totals);

/// <summary>The run record, as stored in table "runs" and returned by the orchestration.</summary>
public sealed record NightlyRunSummary(
    DateOnly Day,
    string RunId,
    string ModelVersion,
    int Shards,
    int UsersScored,
    int UsersUnscored,
    int UsersSkipped,
    double DurationSeconds,
    long StorageTransactions,
    double TransactionsPerUser,
    string? ShadowModelVersion,
    long StorageRetries,
    double CompletionSeconds);

/// <summary>The completed night and what its webhook dispatch spent, to add to the run record.</summary>
public sealed record RecordDispatchInput(NightlyRunSummary Summary, long DispatchTransactions, long DispatchRetries);

/// <summary>The steps of a night, as a failed run record names the one that failed (stored as "plan", ... "record-dispatch").</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(KebabCaseEnumConverter<RunStep>))]
public enum RunStep
{
    Plan,
    Score,
    Complete,
    Dispatch,
    RecordDispatch,
}

/// <summary>A night that failed for good: the step and why (the failed task's message; a shard's names the shard).</summary>
public sealed record RunFailure(DateOnly Day, string RunId, RunStep Step, string Reason);
