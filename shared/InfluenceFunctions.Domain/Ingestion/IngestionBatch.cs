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

    /// <summary>The values in <see cref="Scoring.SignalKind"/> order, with null as NaN.</summary>
    public float[] ToSignals() =>
    [
        F(AudienceSize), F(Posts), F(Reactions), F(Reshares), F(Replies),
        F(MentionsReceived), F(MentionsSent), F(ResharesSent), F(UniqueEngagers), F(ListMemberships),
    ];

    public IEnumerable<(string Field, double? Value)> Counts()
    {
        yield return ("audienceSize", AudienceSize);
        yield return ("posts", Posts);
        yield return ("reactions", Reactions);
        yield return ("reshares", Reshares);
        yield return ("replies", Replies);
        yield return ("mentionsReceived", MentionsReceived);
        yield return ("mentionsSent", MentionsSent);
        yield return ("resharesSent", ResharesSent);
        yield return ("uniqueEngagers", UniqueEngagers);
        yield return ("listMemberships", ListMemberships);
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
