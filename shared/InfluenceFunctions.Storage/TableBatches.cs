using Azure.Data.Tables;
using InfluenceFunctions.Domain;

namespace InfluenceFunctions.Storage;

/// <summary>Entity-group transactions: up to 100 entities of one partition per request.</summary>
public static class TableBatches
{
    public const int MaxBatch = 100;

    public static async Task UpsertAsync<T>(TableClient table, IEnumerable<T> entities, TableUpdateMode mode, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (var partition in entities.GroupBy(e => e.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(MaxBatch))
            {
                var actions = chunk.Select(e => new TableTransactionAction(mode == TableUpdateMode.Replace ? TableTransactionActionType.UpsertReplace : TableTransactionActionType.UpsertMerge, e));
                await table.SubmitTransactionAsync(actions, cancellationToken);
            }
        }
    }

    /// <summary>Deletes the rows (whatever their ETag) per partition in transactions of at most 100.</summary>
    public static async Task DeleteAsync<T>(TableClient table, IEnumerable<T> rows, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (var partition in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(MaxBatch))
            {
                await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, Azure.ETag.All)), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Writes whole rows (bulk loads: demo seeding, dataset import) per partition in transactions of at most 100
    /// rows and about 3 MiB (the limit is 4 MiB; binary columns travel as base64), several partitions at once.
    /// </summary>
    public static async Task<int> WriteRowsAsync(TableClient table, IEnumerable<TableEntity> rows, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var written = 0;
        var byPartition = rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(byPartition, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (partition, ct) =>
        {
            foreach (var chunk in ChunkBySize(partition))
            {
                await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), ct);
                progress?.Report(Interlocked.Add(ref written, chunk.Count));
            }
        });
        return written;
    }

    private static IEnumerable<List<TableEntity>> ChunkBySize(IEnumerable<TableEntity> rows)
    {
        var chunk = new List<TableEntity>();
        long bytes = 0;
        foreach (var row in rows)
        {
            var size = row.Sum(c => c.Value is byte[] b ? (long)b.Length * 4 / 3 : 32);
            if (chunk.Count == MaxBatch || (chunk.Count > 0 && bytes + size > 3_000_000))
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }

            chunk.Add(row);
            bytes += size;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }
}
