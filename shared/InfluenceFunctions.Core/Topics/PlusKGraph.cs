using System.Collections.Concurrent;
using Azure.Data.Tables;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Topics;

/// <summary>One +K in the nightly hand-over rows: giver and receiver keys, topic, day number.</summary>
public sealed record GraphGift(ulong G, ulong R, string T, int D);

/// <summary>
/// The whole population's +K of the window, as the shards wrote it the night before (table "topicnights",
/// rows "graph-{shard}"): who received what, and each gift's weight after the ring discount. A night uses the
/// previous night's graph (the same hand-over as the population of scores), so +K counts from the night after
/// the one following the gift, and re-running a night reads the same graph.
/// </summary>
public sealed class PlusKGraph
{
    public static readonly PlusKGraph Empty = new([]);

    private readonly ILookup<ulong, ReceivedPlusK> received;

    public PlusKGraph(IReadOnlyCollection<GraphGift> gifts)
    {
        ArgumentNullException.ThrowIfNull(gifts);
        var weights = PlusKRings.Weights(gifts.Select(g => (g.G, g.R)));
        received = gifts.ToLookup(g => g.R, g => new ReceivedPlusK(g.G, g.T, DateOnly.FromDayNumber(g.D), weights[(g.G, g.R)]));
        Count = gifts.Count;
    }

    public int Count { get; }

    public IEnumerable<ReceivedPlusK> ReceivedBy(ulong userKey) => received[userKey];
}

/// <summary>Loads a night's +K graph once per process (one partition query), as <see cref="Nightly.NightlyInputsCache"/> does the population.</summary>
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
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {DayKeys.Of(night)} and RowKey ge {ShardTopicScorer.GraphRowPrefix} and RowKey lt {ShardTopicScorer.GraphRowEnd}");
        await foreach (var row in tables.TopicNights.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            gifts.AddRange(PackedJson.Read<List<GraphGift>>(row, "G") ?? []);
        }

        return gifts.Count == 0 ? PlusKGraph.Empty : new PlusKGraph(gifts);
    }
}
