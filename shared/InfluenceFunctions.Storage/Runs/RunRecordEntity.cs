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

    public double TransactionsPerUser { get; set; }
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

    /// <summary>Whether a run of a night since <paramref name="since"/> is recorded as running.</summary>
    public async Task<bool> AnyRunningSinceAsync(DateOnly since, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {RunRecordEntity.Partition} and RowKey ge {DayKeys.Of(since)} and Status eq {StoredNames.Of(RunStatus.Running)}");
        await foreach (var _ in tables.Runs.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            return true;
        }

        return false;
    }
}
