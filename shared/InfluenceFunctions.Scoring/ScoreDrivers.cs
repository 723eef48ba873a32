namespace InfluenceFunctions.Scoring;

/// <summary>
/// The keys of <see cref="ScoreResult.Drivers"/> (model v2 adds its own per-network suffixes, <see cref="ScoreModelV2.NetworkDriverSuffixes"/>). Per-network drivers are
/// "{network}.{suffix}" (for example "twitter.reshares_received_per_day"); the three engagement drivers are
/// shared by all networks. A driver that a network does not report is left out, never stored as zero.
/// Every daily value is a 90-day average with a 45-day half-life over the days that have data, after
/// burst damping.
/// </summary>
public static class ScoreDrivers
{
    /// <summary>Distinct accounts engaging per day (the network's own count, when it has one).</summary>
    public const string EngagersPerDay = "engagers_per_day";

    /// <summary>Reactions (likes, favourites) received per day.</summary>
    public const string ReactionsPerDay = "reactions_per_day";

    /// <summary>Mentions received per day.</summary>
    public const string MentionsReceivedPerDay = "mentions_received_per_day";

    /// <summary>Posts per day.</summary>
    public const string PostsPerDay = "posts_per_day";

    /// <summary>Reshares received per day (Amplification divides them by posts, with shrinkage).</summary>
    public const string ResharesReceivedPerDay = "reshares_received_per_day";

    /// <summary>Replies received per day (Amplification divides them by posts, with shrinkage).</summary>
    public const string RepliesReceivedPerDay = "replies_received_per_day";

    /// <summary>Followers plus <see cref="ScoreModelV1.ListMembershipWeight"/> times list memberships.</summary>
    public const string Audience = "audience";

    /// <summary>
    /// Engagement received per day weighted by each engager's previous score (engagement that no account can be
    /// named for counts as from an unknown account). Before the ring and new-account discounts.
    /// </summary>
    public const string EngagerWeight = "network.engager_weight";

    /// <summary>0-1: how much inbound engagement looks like a closed reciprocal ring.</summary>
    public const string RingShare = "network.ring_share";

    /// <summary>0-1: share of inbound engagement from new accounts (full) and unscored accounts (half).</summary>
    public const string NewOrUnscoredShare = "network.new_or_unscored_share";

    /// <summary>The per-network suffixes, in the order the model stores them.</summary>
    public static IReadOnlyList<string> NetworkSuffixes { get; } =
    [
        EngagersPerDay,
        ReactionsPerDay,
        MentionsReceivedPerDay,
        PostsPerDay,
        ResharesReceivedPerDay,
        RepliesReceivedPerDay,
        Audience,
    ];

    /// <summary>The engagement drivers shared by all networks.</summary>
    public static IReadOnlyList<string> EngagementKeys { get; } = [EngagerWeight, RingShare, NewOrUnscoredShare];

    /// <summary>"{network}.{suffix}".</summary>
    public static string Key(string network, string suffix) => network + "." + suffix;
}
