using Azure.Data.Tables;

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
}
