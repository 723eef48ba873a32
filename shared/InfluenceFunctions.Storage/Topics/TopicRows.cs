using Azure.Data.Tables;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Ingestion;

namespace InfluenceFunctions.Storage.Topics;

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

    /// <summary>The column of a "posts" row holding its posts (packed JSON, compressed).</summary>
    public const string PostsColumn = "P";

    /// <summary>The posts in a "posts" row.</summary>
    public static List<StoredPost> ReadPosts(TableEntity row) => PackedJson.Read<List<StoredPost>>(row, PostsColumn) ?? [];

    /// <summary>The hidden topic ids in a "hidden" row.</summary>
    public static HashSet<string> HiddenTopics(TableEntity? row) =>
        row?.GetString("Topics") is { Length: > 0 } json
            ? System.Text.Json.JsonSerializer.Deserialize<HashSet<string>>(json) ?? []
            : [];
}

/// <summary>
/// Table "topicnights": PK = night (yyyyMMdd), RK = "graph-{shard}" (the +K the shard's givers gave in the window) or
/// "leaders-{shard}" (the shard's leaderboard candidates). Each shard writes its two rows in one transaction; the next
/// night reads the graph rows, the night's completion reads the leaders rows (one partition query each).
/// </summary>
public static class TopicNightRows
{
    public const string GraphRowPrefix = "graph-";
    public const string GraphRowEnd = "graph.";
    public const string LeadersRowPrefix = "leaders-";
    public const string LeadersRowEnd = "leaders.";
}
