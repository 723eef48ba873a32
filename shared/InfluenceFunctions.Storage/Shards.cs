using System.Globalization;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Storage;

/// <summary>
/// A user's shard: the user key, mixed, modulo the shard count. The shard key is the PartitionKey of every
/// per-user table, so one shard's rows of any table come back in one partition query and are written in
/// 100-entity transactions. The mix matters: FNV-1a's bits barely change between short, similar ids
/// ("u001", "u002"), and unmixed they all landed in one shard.
/// </summary>
public static class Shards
{
    public static int Of(string userId, int shardCount) => (int)(Mix(UserKeys.Of(userId)) % (ulong)shardCount);

    /// <summary>MurmurHash3's 64-bit finalizer: every input bit flips about half the output bits.</summary>
    private static ulong Mix(ulong key)
    {
        key ^= key >> 33;
        key *= 0xff51afd7ed558ccdUL;
        key ^= key >> 33;
        key *= 0xc4ceb9fe1a85ec53UL;
        key ^= key >> 33;
        return key;
    }

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
