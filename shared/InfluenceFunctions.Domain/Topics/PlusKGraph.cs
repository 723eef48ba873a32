
namespace InfluenceFunctions.Domain.Topics;

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
