using System.Collections.Concurrent;
using Azure.Data.Tables;
using InfluenceFunctions.Domain.Topics;

namespace InfluenceFunctions.Storage.Topics;

/// <summary>Loads a night's +K graph once per process (one partition query), as the nightly inputs cache does the population.</summary>
public sealed class PlusKGraphCache(InfluenceTables tables)
{
    private readonly ConcurrentDictionary<DateOnly, Lazy<Task<PlusKGraph>>> graphs = new();

    public async Task<PlusKGraph> GetAsync(DateOnly night, CancellationToken cancellationToken)
    {
        foreach (var old in graphs.Keys.Where(k => Math.Abs(k.DayNumber - night.DayNumber) > 3))
        {
            graphs.TryRemove(old, out _);
        }

        var lazy = graphs.GetOrAdd(night, _ => new Lazy<Task<PlusKGraph>>(() => LoadAsync(night, cancellationToken)));
        try
        {
            return await lazy.Value;
        }
        catch
        {
            graphs.TryRemove(new KeyValuePair<DateOnly, Lazy<Task<PlusKGraph>>>(night, lazy));
            throw;
        }
    }

    private async Task<PlusKGraph> LoadAsync(DateOnly night, CancellationToken cancellationToken)
    {
        var gifts = new List<GraphGift>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {DayKeys.Of(night)} and RowKey ge {TopicNightRows.GraphRowPrefix} and RowKey lt {TopicNightRows.GraphRowEnd}");
        await foreach (var row in tables.TopicNights.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            gifts.AddRange(PackedJson.Read<List<GraphGift>>(row, "G") ?? []);
        }

        return gifts.Count == 0 ? PlusKGraph.Empty : new PlusKGraph(gifts);
    }
}
