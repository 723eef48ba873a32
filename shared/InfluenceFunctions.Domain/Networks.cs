namespace InfluenceFunctions.Domain;

/// <summary>The social networks a user can connect. Names are stored (as column suffixes), so never rename one.</summary>
public static class Networks
{
    public static readonly IReadOnlyList<string> All =
    [
        "twitter", "facebook", "facebookpage", "instagram", "linkedin", "youtube", "tiktok", "reddit", "mastodon", "bluesky",
    ];

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    public static bool IsKnown(string? network) => network is not null && Known.Contains(network);
}
