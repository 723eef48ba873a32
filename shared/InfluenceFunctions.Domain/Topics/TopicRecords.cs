namespace InfluenceFunctions.Domain.Topics;

/// <summary>A stored post: what attribution reads each night (the text is re-attributed, so an ontology change
/// applies to old posts too) and the engagement it received.</summary>
public sealed record StoredPost(
    string Id,
    string Network,
    DateOnly Day,
    string Text,
    IReadOnlyList<string> Hashtags,
    IReadOnlyList<string> Links,
    double Reactions,
    double Reshares,
    double Replies)
{
    /// <summary>Engagement the post received; reshares and replies weigh more than a reaction.</summary>
    public double Engagement => Reactions + (2 * Reshares) + (2 * Replies);
}

/// <summary>A +K given: to whom, in what topic, when.</summary>
public sealed record PlusKGift(string Receiver, string Topic, DateTimeOffset GivenUtc);

/// <summary>A topic a user is known for, as the media-kit card shows it.</summary>
public sealed record TopicBadge(string Topic, double Strength);
