namespace InfluenceFunctions.Scoring;

/// <summary>
/// A user's 90-day totals, as analysts and partners have them (the columns of the offline CSV). NaN means
/// the value is not known, which is not zero. <see cref="ToInput"/> turns them into the same
/// <see cref="ScoringInput"/> the nightly run builds, so both are scored by one model.
/// </summary>
public sealed record AggregateSignals
{
    /// <summary>The single network the totals are put on.</summary>
    public const string NetworkName = "aggregate";

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

    /// <summary>
    /// One network named <see cref="NetworkName"/>: each total spread evenly over the 90 days (a daily value of
    /// total / 90), followers and list memberships as the level of every day, unknown values NaN on every day.
    /// There are no engagement edges, so the Network component sees every engagement as from an unknown
    /// account (weight <see cref="ScoreModelV1.UnknownEngagerWeight"/>), and there is no yesterday.
    /// </summary>
    public ScoringInput ToInput(string userId, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(userId);
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

        return new ScoringInput(
            userId, UserKeys.Of(userId), asOf, [new NetworkWindow(NetworkName, values)], [], [], null);
    }

    private static float Level(double value) => double.IsFinite(value) ? (float)value : float.NaN;

    private static float Daily(double total) => double.IsFinite(total) ? (float)(total / ScoringWindow.Days) : float.NaN;
}
