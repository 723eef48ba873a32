using Azure.Data.Tables;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Topics;

/// <summary>
/// Table "topics": PK = shard (as every per-user table), RK = "{kind}|{user id}". Kinds: "posts" (the user's posts of
/// the last 90 days, packed), "plusk" (the +K the user gave, with its ETag the per-giver limit lock), "topics" (the
/// nightly result with evidence), "hidden" (topics the user hid; written only by the user, so the nightly never
/// races it). One partition query reads every kind of a shard for the nightly run.
/// </summary>
public static class TopicRows
{
    public const string Posts = "posts";
    public const string PlusK = "plusk";
    public const string Topics = "topics";
    public const string Hidden = "hidden";

    public static string RowKey(string kind, string userId) => kind + "|" + userId;

    public static (string Kind, string UserId) Parse(string rowKey)
    {
        ArgumentNullException.ThrowIfNull(rowKey);
        var bar = rowKey.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? (string.Empty, rowKey) : (rowKey[..bar], rowKey[(bar + 1)..]);
    }

    public static string Shard(string userId, InfluenceOptions options) => Shards.KeyOf(userId, options.ShardCount);

    public static TableEntity New(string kind, string userId, InfluenceOptions options) => new(Shard(userId, options), RowKey(kind, userId));

    /// <summary>The hidden topic ids in a "hidden" row.</summary>
    public static HashSet<string> HiddenTopics(TableEntity? row) =>
        row?.GetString("Topics") is { Length: > 0 } json
            ? System.Text.Json.JsonSerializer.Deserialize<HashSet<string>>(json) ?? []
            : [];
}

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
