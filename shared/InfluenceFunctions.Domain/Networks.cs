using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Domain;

/// <summary>
/// The social networks a user can connect: exactly the networks with a <see cref="NetworkVocabulary"/>, in its order, so
/// ingestion, connections, posts, the demo and the offline CSV never disagree about a name. Names are stored (as column
/// suffixes and connection rows), so never rename one.
/// </summary>
public static class Networks
{
    public static readonly IReadOnlyList<string> All = [.. NetworkVocabulary.Known.Select(v => v.Network)];

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    public static bool IsKnown(string? network) => network is not null && Known.Contains(network);
}
