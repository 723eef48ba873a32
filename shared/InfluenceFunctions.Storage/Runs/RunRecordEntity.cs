using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Storage.Runs;

/// <summary>A night's run record (table "runs", PK = "nightly", RK = day yyyyMMdd).</summary>
public sealed class RunRecordEntity : ITableEntity
{
    public const string Partition = "nightly";

    public RunRecordEntity()
    {
    }

    public RunRecordEntity(DateOnly day)
    {
        PartitionKey = Partition;
        RowKey = DayKeys.Of(day);
    }

    public string PartitionKey { get; set; } = Partition;

    public string RowKey { get; set; } = string.Empty;

    [IgnoreDataMember]
    public DateOnly Day => DayKeys.Parse(RowKey);

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string RunId { get; set; } = string.Empty;

    /// <summary>Stored as its <see cref="StoredNames"/> spelling ("running", "completed", "failed").</summary>
    public string Status { get => StoredNames.Of(RunStatus); set => RunStatus = StoredNames.Parse(value, RunStatus.Running); }

    [IgnoreDataMember]
    public RunStatus RunStatus { get; set; }

    public string ModelVersion { get; set; } = string.Empty;

    public int Shards { get; set; }

    public DateTimeOffset StartedUtc { get; set; }

    public DateTimeOffset? CompletedUtc { get; set; }

    public double DurationSeconds { get; set; }

    public int UsersScored { get; set; }

    public int UsersUnscored { get; set; }

    public int UsersSkipped { get; set; }

    public long StorageTransactions { get; set; }

    /// <summary>How many of <see cref="StorageTransactions"/> were SDK retries (throttling, server errors, timeouts).</summary>
    public long StorageRetries { get; set; }

    public double TransactionsPerUser { get; set; }

    /// <summary>How long the completion step took (merging the shards' summaries, calibration, shadow report, leaderboards, the record).</summary>
    public double CompletionSeconds { get; set; }

    /// <summary>The step that failed (<c>RunStep</c>, in its stored spelling), when <see cref="RunStatus"/> is failed.</summary>
    public string? FailedStep { get; set; }

    /// <summary>Why it failed: the failed task's message (a shard's names the shard), at most <see cref="MaxReasonLength"/> characters.</summary>
    public string? FailureReason { get; set; }

    public DateTimeOffset? FailedUtc { get; set; }

    public const int MaxReasonLength = 2000;
}

/// <summary>Where a night's run stands ("running", "completed", "failed" where stored or sent).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(KebabCaseEnumConverter<RunStatus>))]
public enum RunStatus
{
    Running,
    Completed,
    Failed,
}

/// <summary>Reads of table "runs". Only <c>NightlyRunService</c> writes a run record.</summary>
public sealed class RunRecords(InfluenceTables tables)
{
    public async Task<RunRecordEntity?> GetAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var response = await tables.Runs.GetEntityIfExistsAsync<RunRecordEntity>(RunRecordEntity.Partition, DayKeys.Of(day), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Whether a night since <paramref name="since"/> is in progress: recorded as running and still alive, i.e. its
    /// record or one of its shards' population rows (written as each shard finishes scoring) was written within
    /// <paramref name="stalledAfter"/> of <paramref name="now"/>. A failed run is not running; an abandoned one (its
    /// orchestration lost, e.g. by the in-memory engine's host restarting, or stuck) stops counting once it has made no
    /// progress for that long. Compared with the storage service's own row timestamps, so pass the real time.
    /// </summary>
    public async Task<bool> InProgressSinceAsync(DateOnly since, DateTimeOffset now, TimeSpan stalledAfter, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {RunRecordEntity.Partition} and RowKey ge {DayKeys.Of(since)} and Status eq {StoredNames.Of(RunStatus.Running)}");
        await foreach (var run in tables.Runs.QueryAsync<TableEntity>(filter, maxPerPage: 10, select: ["RowKey", "Timestamp", "StartedUtc"], cancellationToken: cancellationToken))
        {
            var alive = now - stalledAfter;
            if (run.Timestamp >= alive || run.GetDateTimeOffset(nameof(RunRecordEntity.StartedUtc)) >= alive)
            {
                return true;
            }

            var shards = TableClient.CreateQueryFilter($"PartitionKey eq {run.RowKey}");
            await foreach (var shard in tables.Population.QueryAsync<TableEntity>(shards, maxPerPage: 1000, select: ["RowKey", "Timestamp"], cancellationToken: cancellationToken))
            {
                if (shard.Timestamp >= alive)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
