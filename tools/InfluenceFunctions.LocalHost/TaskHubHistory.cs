using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace InfluenceFunctions.LocalHost;

/// <summary>
/// What an orchestration (and its sub-orchestrations) keeps in an Azure Storage task hub: its history rows, its instance
/// row (input, output, custom status) and any payload too large for a row (the task hub's large-message blobs). The
/// history size test and bench-nightly measure a night with it.
/// </summary>
public static class TaskHubHistory
{
    public sealed record Size(int Instances, int HistoryRows, long HistoryBytes, long InstanceBytes, long BlobBytes)
    {
        public long TotalBytes => HistoryBytes + InstanceBytes + BlobBytes;
    }

    /// <summary>Every instance whose id starts with <paramref name="instanceIdPrefix"/> (the nightly instance and its "-shards-" children).</summary>
    public static async Task<Size> MeasureAsync(string connectionString, string taskHub, string instanceIdPrefix)
    {
        var tables = new TableServiceClient(connectionString);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {instanceIdPrefix} and PartitionKey lt {instanceIdPrefix + "~"}");
        int instances = 0, rows = 0;
        long historyBytes = 0, instanceBytes = 0, blobBytes = 0;
        await foreach (var row in tables.GetTableClient(taskHub + "Instances").QueryAsync<TableEntity>(filter))
        {
            instances++;
            instanceBytes += Bytes(row);
        }

        await foreach (var row in tables.GetTableClient(taskHub + "History").QueryAsync<TableEntity>(filter))
        {
            rows++;
            historyBytes += Bytes(row);
        }

        var container = new BlobServiceClient(connectionString).GetBlobContainerClient(taskHub.ToLowerInvariant() + "-largemessages");
        if (await container.ExistsAsync())
        {
            await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, instanceIdPrefix, CancellationToken.None))
            {
                blobBytes += blob.Properties.ContentLength ?? 0;
            }
        }

        return new Size(instances, rows, historyBytes, instanceBytes, blobBytes);
    }

    /// <summary>A row's properties as stored (JSON), without the service's own timestamp and ETag.</summary>
    private static long Bytes(TableEntity row) =>
        JsonSerializer.SerializeToUtf8Bytes(row.Where(c => c.Key is not ("Timestamp" or "odata.etag")).ToDictionary(c => c.Key, c => c.Value is byte[] b ? Convert.ToBase64String(b) : c.Value)).Length;
}
