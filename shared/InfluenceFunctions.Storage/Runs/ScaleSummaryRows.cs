using System.Text.Json;
using System.Text.Json.Serialization;
using InfluenceFunctions.Scoring;
using Azure.Data.Tables;

namespace InfluenceFunctions.Storage.Runs;

/// <summary>
/// What a shard's pass saw of model v2's population (<see cref="ScaleSummary"/>) for the night's refit of the network
/// scales, handed over in table "scalesummaries" (PK = "{model version}|{yyyyMMdd}", RK = shard; the summary as gzipped
/// JSON in binary columns Summary0, Summary1...). Tens of kilobytes a shard, more than an orchestration message should
/// carry; the completion reads the night's partition (one query, one row per shard) and merges it in O(shards). Rows hold
/// 64-bit user keys and measured signals, never a user id.
/// </summary>
public static class ScaleSummaryRows
{
    public const string SummaryColumn = "Summary";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static string PartitionOf(string modelVersion, DateOnly day) => $"{modelVersion}|{DayKeys.Of(day)}";

    public static TableEntity ToEntity(string modelVersion, DateOnly day, string shardKey, ScaleSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var row = new TableEntity(PartitionOf(modelVersion, day), shardKey);
        BinaryColumns.Write(row, SummaryColumn, JsonSerializer.SerializeToUtf8Bytes(summary.ToData(), Json));
        return row;
    }

    public static ScaleSummary Read(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var bytes = BinaryColumns.Read(row, SummaryColumn) ?? throw new FormatException($"Scale summary row {row.PartitionKey}/{row.RowKey} has no {SummaryColumn}.");
        return ScaleSummary.FromData(JsonSerializer.Deserialize<ScaleSummaryData>(bytes, Json)!);
    }

    /// <summary>
    /// Every shard's summary of a night merged into one of the nightly capacities (<see cref="ScaleSummary.DefaultUniformUsers"/>,
    /// <see cref="ScaleSummary.DefaultTopUsers"/>), in shard order (the merge does not depend on it), and how many rows it read.
    /// </summary>
    public static async Task<(ScaleSummary Merged, int Rows)> MergeNightAsync(TableClient table, string modelVersion, DateOnly day, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var merged = new ScaleSummary();
        var rows = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionOf(modelVersion, day)}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            merged.Merge(Read(row));
            rows++;
        }

        return (merged, rows);
    }

    /// <summary>
    /// Deletes the model's summary rows of nights before <paramref name="keepFrom"/>: they were needed by one completion
    /// only, and they hold people's 64-bit keys, which must age out like the rest of a night's data. One key-only query
    /// of the partitions before that night (after the first sweep, one night's rows), deletes in 100-row transactions.
    /// Returns how many rows it deleted.
    /// </summary>
    public static async Task<int> DeleteBeforeAsync(TableClient table, string modelVersion, DateOnly keepFrom, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {modelVersion + "|"} and PartitionKey lt {PartitionOf(modelVersion, keepFrom)}");
        var keys = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add(row);
        }

        await TableBatches.DeleteAsync(table, keys, cancellationToken);
        return keys.Count;
    }

    /// <summary>A shard's summary capacity: twice its share of the nightly uniform sample (at least 64 users), top 64.</summary>
    public static ScaleSummary ForShard(int shardCount) =>
        new(Math.Max(64, 2 * ScaleSummary.DefaultUniformUsers / Math.Max(1, shardCount)), 64);
}
