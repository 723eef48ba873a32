using System.Collections.Frozen;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// What one network really exposes: which <see cref="SignalKind"/>s exist there (a signal that does not exist is
/// absent, never zero), which one is its main engagement signal, and what its audience is called. Model v2 measures
/// each signal against the network's own population, so only the signals listed here are ever compared; ingestion
/// refuses the others (400 naming the field), and the offline CSV refuses them on rows of that network.
/// </summary>
/// <param name="Network">The network's name as connections and windows carry it, e.g. "youtube".</param>
/// <param name="Signals">The signals the network exposes.</param>
/// <param name="MainEngagement">The one signal a single-number ranking of the network would use (views on video networks).</param>
/// <param name="AudienceName">Plain word for <see cref="SignalKind.AudienceSize"/> there ("followers", "subscribers").</param>
public sealed record NetworkVocabulary(string Network, IReadOnlySet<SignalKind> Signals, SignalKind MainEngagement, string AudienceName)
{
    /// <summary>The network name of users whose signals are not split by network (the offline CSV without a network column).</summary>
    public const string Unspecified = "aggregate";

    /// <summary>What every network has: an audience, posts, reactions to them and replies (comments).</summary>
    private static readonly SignalKind[] Base = [SignalKind.AudienceSize, SignalKind.Posts, SignalKind.Reactions, SignalKind.Replies];

    /// <summary>Networks where accounts name each other: mentions both ways and distinct engaging accounts.</summary>
    private static readonly SignalKind[] Conversation = [SignalKind.MentionsReceived, SignalKind.MentionsSent, SignalKind.UniqueEngagers];

    /// <summary>Networks with reshares (retweets, boosts, reposts).</summary>
    private static readonly SignalKind[] Sharing = [SignalKind.Reshares, SignalKind.ResharesSent];

    /// <summary>
    /// Every network with a vocabulary, in the order they are listed everywhere (the connect form, error messages). This is
    /// the one list of networks: <c>Domain.Networks.All</c> is made from it, so ingestion, connections, the demo and the
    /// offline CSV accept the same names. Names are stored (column suffixes, connection rows): never rename one.
    /// </summary>
    private static readonly NetworkVocabulary[] Declared =
    [
        // Text networks: reactions are the main engagement.
        Of("twitter", SignalKind.Reactions, "followers", [.. Conversation, .. Sharing, SignalKind.ListMemberships, SignalKind.Views, SignalKind.Saves]),
        Of("facebook", SignalKind.Reactions, "friends", [.. Conversation, .. Sharing]),
        Of("facebookpage", SignalKind.Reactions, "followers", [.. Conversation, .. Sharing, SignalKind.Views]),

        // Instagram has no reshares and no lists (the first complaint of issue 12); video plays count as views.
        Of("instagram", SignalKind.Reactions, "followers", [.. Conversation, SignalKind.Views, SignalKind.Saves]),
        Of("linkedin", SignalKind.Reactions, "followers", [.. Conversation, .. Sharing, SignalKind.Views]),

        // Video networks: views are the main signal. YouTube names no accounts (no mentions, no engagers).
        Of("youtube", SignalKind.Views, "subscribers", [SignalKind.Views]),
        Of("tiktok", SignalKind.Views, "followers", [.. Sharing, SignalKind.Views, SignalKind.Saves]),

        Of("reddit", SignalKind.Reactions, "followers", [.. Conversation, SignalKind.Saves]),
        Of("mastodon", SignalKind.Reactions, "followers", [.. Conversation, .. Sharing]),
        Of("bluesky", SignalKind.Reactions, "followers", [.. Conversation, .. Sharing, SignalKind.ListMemberships]),
        Of("threads", SignalKind.Reactions, "followers", [.. Conversation, .. Sharing, SignalKind.Views]),
    ];

    private static readonly FrozenDictionary<string, NetworkVocabulary> KnownByName = Declared.ToFrozenDictionary(v => v.Network, StringComparer.Ordinal);

    /// <summary>What each signal is called in messages ("tiktok has no list memberships").</summary>
    private static readonly FrozenDictionary<SignalKind, string> Words = new Dictionary<SignalKind, string>
    {
        [SignalKind.AudienceSize] = "followers",
        [SignalKind.Posts] = "posts",
        [SignalKind.Reactions] = "reactions",
        [SignalKind.Reshares] = "reshares",
        [SignalKind.Replies] = "replies",
        [SignalKind.MentionsReceived] = "mentions",
        [SignalKind.MentionsSent] = "mentions",
        [SignalKind.ResharesSent] = "reshares",
        [SignalKind.UniqueEngagers] = "named engaging accounts",
        [SignalKind.ListMemberships] = "list memberships",
        [SignalKind.Views] = "views",
        [SignalKind.Saves] = "saves",
    }.ToFrozenDictionary();

    /// <summary>Every network with a vocabulary of its own, in the order they are listed everywhere.</summary>
    public static IReadOnlyList<NetworkVocabulary> Known => Declared;

    /// <summary>A signal in plain words, for messages: "list memberships", "views".</summary>
    public static string WordsFor(SignalKind signal) => Words[signal];

    /// <summary>
    /// The vocabulary of a network that has none of its own (<see cref="Unspecified"/>, or a name this build does not
    /// know): every signal may exist, and whichever is reported is used.
    /// </summary>
    public static NetworkVocabulary Open(string network) => new(network, AllSignals, SignalKind.Reactions, "followers");

    /// <summary>The network's vocabulary, or <see cref="Open"/> for a network without one.</summary>
    public static NetworkVocabulary For(string network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return KnownByName.TryGetValue(network, out var known) ? known : Open(network);
    }

    public static bool IsKnown(string network) => network is not null && KnownByName.ContainsKey(network);

    /// <summary>The network has this signal (an absent signal is never read as zero).</summary>
    public bool Exposes(SignalKind signal) => (Mask & (1u << (int)signal)) != 0;

    /// <summary>Bit s set when signal s is exposed: the scoring hot path tests bits, not a set.</summary>
    internal uint Mask { get; } = Signals.Aggregate(0u, static (mask, signal) => mask | (1u << (int)signal));

    /// <summary>Views are the main signal: a video network.</summary>
    public bool IsVideo => MainEngagement == SignalKind.Views;

    private static readonly FrozenSet<SignalKind> AllSignals = Enum.GetValues<SignalKind>().ToFrozenSet();

    private static NetworkVocabulary Of(string network, SignalKind main, string audienceName, SignalKind[] extra) =>
        new(network, Base.Concat(extra).ToFrozenSet(), main, audienceName);
}
