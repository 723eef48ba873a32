using System.Globalization;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Storage;

/// <summary>
/// A user's shard: the high bits of the user key modulo the shard count. The shard key is the PartitionKey
/// of every per-user table, so one shard's rows of any table come back in one partition query and are
/// written in 100-entity transactions.
/// </summary>
public static class Shards
{
    public static int Of(string userId, int shardCount) => (int)((UserKeys.Of(userId) >> 32) % (ulong)shardCount);

    public static string Key(int shard) => shard.ToString("D4", CultureInfo.InvariantCulture);

    public static string KeyOf(string userId, int shardCount) => Key(Of(userId, shardCount));
}

/// <summary>Day keys: "yyyyMMdd", and the inverted form that sorts newest first.</summary>
public static class DayKeys
{
    public static string Of(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static DateOnly Parse(string key) => DateOnly.ParseExact(key, "yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Row keys that sort the newest day first (Table Storage sorts ascending).</summary>
    public static string NewestFirst(DateOnly day) =>
        (99_999_999 - int.Parse(Of(day), CultureInfo.InvariantCulture)).ToString("D8", CultureInfo.InvariantCulture);

    public static DateOnly FromNewestFirst(string key) =>
        Parse((99_999_999 - int.Parse(key, CultureInfo.InvariantCulture)).ToString("D8", CultureInfo.InvariantCulture));
}
