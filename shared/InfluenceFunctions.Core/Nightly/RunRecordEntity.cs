using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Nightly;

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

    /// <summary>"running" or "completed".</summary>
    public string Status { get; set; } = string.Empty;

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
