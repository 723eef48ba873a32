namespace InfluenceFunctions.Scoring;

/// <summary>
/// What model v2 measures on each network, from that network's drivers. Each is put on the network population's own
/// scale (<see cref="SignalScale"/>) before anything is added up. "Per post" values are what arrives per post, with at
/// least <see cref="ScoreModelV2.MinimumPostsPerMonth"/> post a month counted, so one lucky post is not a record.
/// </summary>
public enum V2Signal
{
    /// <summary>Distinct accounts engaging per day (where the network counts them), after the ring and new-account discounts.</summary>
    EngagersPerDay = 0,

    /// <summary>Reactions (likes) per post, discounted.</summary>
    ReactionsPerPost = 1,

    /// <summary>Reshares per post, discounted: how far a post travels.</summary>
    ResharesPerPost = 2,

    /// <summary>Replies (comments) per post, discounted.</summary>
    RepliesPerPost = 3,

    /// <summary>Mentions received per day, discounted: being talked about.</summary>
    MentionsPerDay = 4,

    /// <summary>Views per post (views are not engagement by accounts, so no discount).</summary>
    ViewsPerPost = 5,

    /// <summary>Saves per post, discounted.</summary>
    SavesPerPost = 6,

    /// <summary>Followers or subscribers: the audience.</summary>
    Followers = 7,

    /// <summary>List memberships (only where lists exist).</summary>
    ListMemberships = 8,
}

/// <summary>Names, groups and weights of <see cref="V2Signal"/>.</summary>
public static class V2Signals
{
    public const int Count = 9;

    /// <summary>
    /// Values measured per network: the <see cref="Count"/> signals, then the posts per 30 days that per-post signals
    /// rest on (kept for the record; it has no scale of its own).
    /// </summary>
    public const int MeasuredCount = Count + 1;

    /// <summary>Index of the posts per 30 days in a network's measured values.</summary>
    public const int PostsIndex = Count;

    /// <summary>The name of a <see cref="V2Signal"/> in scale files and summaries.</summary>
    public static string Name(V2Signal signal) => Names[(int)signal];

    public static bool TryParse(string name, out V2Signal signal)
    {
        var index = Array.IndexOf(Names, name);
        signal = (V2Signal)Math.Max(index, 0);
        return index >= 0;
    }

    /// <summary>Followers and list memberships are evidence of reach (audience); the rest is engagement.</summary>
    public static bool IsAudience(V2Signal signal) => signal is V2Signal.Followers or V2Signal.ListMemberships;

    /// <summary>Reshares, replies and saves per post say how far a post travels (the Amplification component).</summary>
    public static bool IsAmplification(V2Signal signal) => signal is V2Signal.ResharesPerPost or V2Signal.RepliesPerPost or V2Signal.SavesPerPost;

    /// <summary>The window signal a v2 signal is measured from.</summary>
    public static SignalKind Source(V2Signal signal) => signal switch
    {
        V2Signal.EngagersPerDay => SignalKind.UniqueEngagers,
        V2Signal.ReactionsPerPost => SignalKind.Reactions,
        V2Signal.ResharesPerPost => SignalKind.Reshares,
        V2Signal.RepliesPerPost => SignalKind.Replies,
        V2Signal.MentionsPerDay => SignalKind.MentionsReceived,
        V2Signal.ViewsPerPost => SignalKind.Views,
        V2Signal.SavesPerPost => SignalKind.Saves,
        V2Signal.Followers => SignalKind.AudienceSize,
        _ => SignalKind.ListMemberships,
    };

    /// <summary>
    /// How much a signal weighs within its group (engagement or audience) on a network. On video networks views are
    /// the main signal and weigh <see cref="ScoreModelV2.VideoViewsWeight"/>; replies and saves are thinner evidence.
    /// </summary>
    public static double Weight(V2Signal signal, bool video) => signal switch
    {
        V2Signal.EngagersPerDay => 1,
        V2Signal.ReactionsPerPost => 1,
        V2Signal.ResharesPerPost => 1,
        V2Signal.RepliesPerPost => 0.5,
        V2Signal.MentionsPerDay => 0.75,
        V2Signal.ViewsPerPost => video ? ScoreModelV2.VideoViewsWeight : 1,
        V2Signal.SavesPerPost => 0.5,
        V2Signal.Followers => 1,
        _ => 0.5,
    };

    private static readonly string[] Names =
    [
        "engagers_per_day", "reactions_per_post", "reshares_per_post", "replies_per_post", "mentions_per_day",
        "views_per_post", "saves_per_post", "followers", "list_memberships",
    ];
}
