namespace InfluenceFunctions.Scoring;

/// <summary>
/// A user's 90-day totals on one network, as analysts and partners have them (the columns of the offline CSV). NaN
/// means the value is not known, which is not zero. <see cref="ToInput(string, DateOnly)"/> turns them into the same
/// <see cref="ScoringInput"/> the nightly run builds, so both are scored by one model.
/// </summary>
public sealed record AggregateSignals
{
    /// <summary>The network totals are put on when the CSV does not say (every signal may exist there).</summary>
    public const string NetworkName = NetworkVocabulary.Unspecified;

    /// <summary>The network the totals are from (<see cref="NetworkVocabulary"/>), or <see cref="NetworkName"/>.</summary>
    public string Network { get; init; } = NetworkName;

    /// <summary>Audience size at the end of the window.</summary>
    public double Followers { get; init; } = double.NaN;

    /// <summary>Accounts the user follows. Accepted, not used by v1.</summary>
    public double Following { get; init; } = double.NaN;

    /// <summary>List memberships at the end of the window.</summary>
    public double Listed { get; init; } = double.NaN;

    public double Posts { get; init; } = double.NaN;

    public double ReactionsReceived { get; init; } = double.NaN;

    public double RepliesReceived { get; init; } = double.NaN;

    public double MentionsReceived { get; init; } = double.NaN;

    public double ResharesReceived { get; init; } = double.NaN;

    public double MentionsSent { get; init; } = double.NaN;

    public double ResharesSent { get; init; } = double.NaN;

    /// <summary>Views (plays, impressions) of the user's posts. Read by model v2 only.</summary>
    public double ViewsReceived { get; init; } = double.NaN;

    /// <summary>Saves (bookmarks) of the user's posts. Read by model v2 only.</summary>
    public double SavesReceived { get; init; } = double.NaN;

    /// <summary>
    /// One window on <see cref="Network"/>: each total spread evenly over the 90 days (a daily value of total / 90),
    /// followers and list memberships as the level of every day, unknown values NaN on every day. There are no
    /// engagement edges, so v1's Network component sees every engagement as from an unknown account (weight
    /// <see cref="ScoreModelV1.UnknownEngagerWeight"/>) and v2 has no graph signal; there is no yesterday.
    /// </summary>
    public ScoringInput ToInput(string userId, DateOnly asOf) => ToInput(userId, asOf, [this]);

    /// <summary>One user's totals on several networks (each network once) as one input, as <see cref="ToInput(string, DateOnly)"/>.</summary>
    public static ScoringInput ToInput(string userId, DateOnly asOf, IReadOnlyList<AggregateSignals> networks)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(networks);
        return new ScoringInput(userId, UserKeys.Of(userId), asOf, networks.Select(n => n.ToWindow()).ToArray(), [], [], null);
    }

    /// <summary>The totals as a 90-day window of <see cref="Network"/>, spread evenly over the days.</summary>
    public NetworkWindow ToWindow()
    {
        var values = new float[ScoringWindow.Days * ScoringWindow.SignalCount];
        Span<float> day = stackalloc float[ScoringWindow.SignalCount];
        day[(int)SignalKind.AudienceSize] = Level(Followers);
        day[(int)SignalKind.ListMemberships] = Level(Listed);
        day[(int)SignalKind.Posts] = Daily(Posts);
        day[(int)SignalKind.Reactions] = Daily(ReactionsReceived);
        day[(int)SignalKind.Reshares] = Daily(ResharesReceived);
        day[(int)SignalKind.Replies] = Daily(RepliesReceived);
        day[(int)SignalKind.MentionsReceived] = Daily(MentionsReceived);
        day[(int)SignalKind.MentionsSent] = Daily(MentionsSent);
        day[(int)SignalKind.ResharesSent] = Daily(ResharesSent);
        day[(int)SignalKind.UniqueEngagers] = float.NaN; // not in the aggregates
        for (var d = 0; d < ScoringWindow.Days; d++)
        {
            day.CopyTo(values.AsSpan(d * ScoringWindow.SignalCount));
        }

        float[]? extended = null;
        if (double.IsFinite(ViewsReceived) || double.IsFinite(SavesReceived))
        {
            extended = NetworkWindow.NewExtendedValues();
            for (var d = 0; d < ScoringWindow.Days; d++)
            {
                extended[d * ScoringWindow.ExtendedSignalCount] = Daily(ViewsReceived);
                extended[(d * ScoringWindow.ExtendedSignalCount) + 1] = Daily(SavesReceived);
            }
        }

        return new NetworkWindow(Network, values, extended);
    }

    private static float Level(double value) => double.IsFinite(value) ? (float)value : float.NaN;

    private static float Daily(double total) => double.IsFinite(total) ? (float)(total / ScoringWindow.Days) : float.NaN;
}
