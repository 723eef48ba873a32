namespace InfluenceFunctions.Workflows.Runs;

/// <summary>Input of the nightly orchestration: the night it scores. The instance id is derived from it.</summary>
public sealed record NightlyRunInput(DateOnly Day);

/// <summary>What the run setup found: how many shards there are and what model runs.</summary>
public sealed record RunPlan(DateOnly Day, string RunId, int ShardCount, int ShardsPerSubOrchestration, string ModelVersion, string? ShadowModelVersion, long SetupTransactions);

/// <summary>A contiguous range of shards, scored by one sub-orchestration.</summary>
public sealed record ShardRange(RunPlan Plan, int FirstShard, int Count);

public sealed record ScoreShardInput(DateOnly Day, string RunId, int Shard, string ModelVersion, string? ShadowModelVersion);

/// <summary>One shard's outcome. The raw samples feed each model's trailing calibration.</summary>
public sealed record ShardOutcome(int Shard, int UsersScored, int UsersUnscored, int UsersSkipped, long StorageTransactions, double[] RawSample, double[] ShadowRawSample)
{
    public static ShardOutcome Sum(int shard, IEnumerable<ShardOutcome> outcomes)
    {
        var list = outcomes.ToList();
        return new ShardOutcome(
            shard,
            list.Sum(o => o.UsersScored),
            list.Sum(o => o.UsersUnscored),
            list.Sum(o => o.UsersSkipped),
            list.Sum(o => o.StorageTransactions),
            list.SelectMany(o => o.RawSample).ToArray(),
            list.SelectMany(o => o.ShadowRawSample).ToArray());
    }
}

/// <summary>Progress shown as the orchestration's custom status.</summary>
public sealed record RunProgress(string Phase, int ShardsDone, int ShardsTotal, int UsersScored, int UsersUnscored);

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
    string? ShadowModelVersion);

/// <summary>The completed night and what its webhook dispatch spent, to add to the run record.</summary>
public sealed record RecordDispatchInput(NightlyRunSummary Summary, long DispatchTransactions);
