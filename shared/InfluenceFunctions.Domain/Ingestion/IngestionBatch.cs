using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Domain.Ingestion;

/// <summary>
/// A batch of per-user, per-network daily signals and who-engaged-whom counts, as posted by a collector.
/// Signals missing from an item are "no data" for that day, not zero.
/// </summary>
public sealed class IngestionBatch
{
    public List<SignalItem?>? Signals { get; set; }

    public List<EngagementItem?>? Engagements { get; set; }
}

/// <summary>
/// One user's signals on one network for one day. Which fields a network may carry is its
/// <see cref="NetworkVocabulary"/> (e.g. no list memberships on TikTok, views on YouTube): a field the network does not
/// have is refused, naming it. <see cref="AudienceSize"/> is the network's audience under its own name (followers,
/// YouTube's subscribers, Facebook's friends).
/// </summary>
public sealed class SignalItem
{
    public string? UserId { get; set; }

    public string? Network { get; set; }

    /// <summary>UTC date, yyyy-MM-dd.</summary>
    public string? Day { get; set; }

    public double? AudienceSize { get; set; }

    public double? Posts { get; set; }

    public double? Reactions { get; set; }

    public double? Reshares { get; set; }

    public double? Replies { get; set; }

    public double? MentionsReceived { get; set; }

    public double? MentionsSent { get; set; }

    public double? ResharesSent { get; set; }

    public double? UniqueEngagers { get; set; }

    public double? ListMemberships { get; set; }

    /// <summary>Views (plays, impressions) of the user's posts that day.</summary>
    public double? Views { get; set; }

    /// <summary>Saves (bookmarks) of the user's posts that day.</summary>
    public double? Saves { get; set; }

    /// <summary>The first <see cref="ScoringWindow.SignalCount"/> values in <see cref="SignalKind"/> order, with null as NaN.</summary>
    public float[] ToSignals() =>
    [
        F(AudienceSize), F(Posts), F(Reactions), F(Reshares), F(Replies),
        F(MentionsReceived), F(MentionsSent), F(ResharesSent), F(UniqueEngagers), F(ListMemberships),
    ];

    /// <summary>Views and saves (<see cref="ScoringWindow.ExtendedSignalCount"/> values from <see cref="SignalKind.Views"/>), with null as NaN.</summary>
    public float[] ToExtendedSignals() => [F(Views), F(Saves)];

    /// <summary>The item carries views or saves (only then does a network get the column for them).</summary>
    public bool HasExtendedSignals => Views is not null || Saves is not null;

    /// <summary>Every signal field: its JSON name, the signal it carries and its value (null: not reported).</summary>
    public IEnumerable<(string Field, SignalKind Signal, double? Value)> Counts()
    {
        yield return ("audienceSize", SignalKind.AudienceSize, AudienceSize);
        yield return ("posts", SignalKind.Posts, Posts);
        yield return ("reactions", SignalKind.Reactions, Reactions);
        yield return ("reshares", SignalKind.Reshares, Reshares);
        yield return ("replies", SignalKind.Replies, Replies);
        yield return ("mentionsReceived", SignalKind.MentionsReceived, MentionsReceived);
        yield return ("mentionsSent", SignalKind.MentionsSent, MentionsSent);
        yield return ("resharesSent", SignalKind.ResharesSent, ResharesSent);
        yield return ("uniqueEngagers", SignalKind.UniqueEngagers, UniqueEngagers);
        yield return ("listMemberships", SignalKind.ListMemberships, ListMemberships);
        yield return ("views", SignalKind.Views, Views);
        yield return ("saves", SignalKind.Saves, Saves);
    }

    private static float F(double? value) => value is { } v ? (float)v : float.NaN;
}

/// <summary><see cref="From"/> engaged <see cref="To"/> (mention, reshare, reply) <see cref="Count"/> times on <see cref="Day"/>.</summary>
public sealed class EngagementItem
{
    public string? From { get; set; }

    public string? To { get; set; }

    public string? Day { get; set; }

    public double? Count { get; set; }
}
