using System.Buffers.Binary;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Storage;

/// <summary>
/// Who-engaged-whom for one user and one direction, packed for a table column: 16-byte entries
/// (uint64 other user's key, int32 day number, float32 count), sorted by key then day. Setting the same
/// (key, day) again replaces the count, so re-ingesting a batch is idempotent. At most <see cref="MaxEntries"/>
/// entries fit one 64 KiB column; past that the oldest, then the smallest, entries are dropped.
/// </summary>
public sealed class PackedEngagements
{
    public const int MaxEntries = 4000;
    private const int EntrySize = 16;

    private readonly SortedDictionary<(ulong Key, int Day), float> entries;

    private PackedEngagements(SortedDictionary<(ulong Key, int Day), float> entries) => this.entries = entries;

    public int Count => entries.Count;

    public static PackedEngagements Decode(byte[]? bytes)
    {
        var map = new SortedDictionary<(ulong, int), float>();
        if (bytes is not null)
        {
            for (var offset = 0; offset + EntrySize <= bytes.Length; offset += EntrySize)
            {
                var span = bytes.AsSpan(offset, EntrySize);
                map[(BinaryPrimitives.ReadUInt64LittleEndian(span), BinaryPrimitives.ReadInt32LittleEndian(span[8..]))] =
                    BinaryPrimitives.ReadSingleLittleEndian(span[12..]);
            }
        }

        return new PackedEngagements(map);
    }

    /// <summary>Reads the entries within the scoring window straight from the column, without building the map.</summary>
    public static List<Engagement> ReadWindow(byte[]? bytes, DateOnly asOf)
    {
        var list = new List<Engagement>(bytes is null ? 0 : bytes.Length / EntrySize);
        if (bytes is null)
        {
            return list;
        }

        for (var offset = 0; offset + EntrySize <= bytes.Length; offset += EntrySize)
        {
            var span = bytes.AsSpan(offset, EntrySize);
            var daysAgo = asOf.DayNumber - BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
            if (daysAgo is >= 0 and < ScoringWindow.Days)
            {
                list.Add(new Engagement(BinaryPrimitives.ReadUInt64LittleEndian(span), BinaryPrimitives.ReadSingleLittleEndian(span[12..]), daysAgo));
            }
        }

        return list;
    }

    public void Set(ulong otherKey, int dayNumber, float count) => entries[(otherKey, dayNumber)] = count;

    /// <summary>Packs raw edges, summing repeats of the same (other user, day).</summary>
    public static byte[] Pack(IEnumerable<(ulong Key, int Day, float Count)> edges)
    {
        var packed = Decode(null);
        foreach (var group in edges.GroupBy(e => (e.Key, e.Day)))
        {
            packed.Set(group.Key.Key, group.Key.Day, group.Sum(e => e.Count));
        }

        return packed.Encode();
    }

    public byte[] Encode()
    {
        Compact();
        var bytes = new byte[entries.Count * EntrySize];
        var offset = 0;
        foreach (var ((key, day), count) in entries)
        {
            var span = bytes.AsSpan(offset, EntrySize);
            BinaryPrimitives.WriteUInt64LittleEndian(span, key);
            BinaryPrimitives.WriteInt32LittleEndian(span[8..], day);
            BinaryPrimitives.WriteSingleLittleEndian(span[12..], count);
            offset += EntrySize;
        }

        return bytes;
    }

    private void Compact()
    {
        if (entries.Count <= MaxEntries)
        {
            return;
        }

        var newest = entries.Keys.Max(k => k.Day);
        var drop = entries
            .OrderBy(e => e.Key.Day < newest - PackedSeries.MaxDays ? 0 : 1)
            .ThenBy(e => e.Value)
            .ThenBy(e => e.Key.Day)
            .ThenBy(e => e.Key.Key)
            .Take(entries.Count - MaxEntries)
            .Select(e => e.Key)
            .ToList();
        foreach (var key in drop)
        {
            entries.Remove(key);
        }
    }
}
