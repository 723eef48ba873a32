using System.Buffers.Binary;
using Azure.Data.Tables;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Storage;

/// <summary>
/// Last night's scores of everybody, read from table "population" (PK = day, RK = shard; columns E0..E14 hold
/// 10-byte entries: uint64 user key, score, flags). One partition query per night loads the whole population;
/// at 10 bytes a user, 100,000 users are about 1 MB of rows. In memory the scorer gets a <see cref="PopulationTable"/>
/// (about 32 bytes a user): the model looks engagers up in it directly and pulls a user's engagers into the cache
/// together, which a dictionary behind an interface call does not allow.
/// </summary>
public sealed class PopulationSnapshot : IPopulationTableSource
{
    private const int EntrySize = 10;
    private const int MaxColumnBytes = 64_000;
    private const int MaxColumns = 15;

    private readonly PopulationTable table;

    /// <param name="entries">The loaded rows (<see cref="AddShard"/>); copied into the table, not kept.</param>
    public PopulationSnapshot(Dictionary<ulong, PopulationEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        table = new PopulationTable(entries.Count);
        foreach (var (key, entry) in entries)
        {
            table.Set(key, entry);
        }
    }

    public static PopulationSnapshot Empty { get; } = new([]);

    public int Count => table.Count;

    public PopulationTable Table => table;

    public bool TryGet(ulong userKey, out PopulationEntry entry) => table.TryGet(userKey, out entry);

    public static void AddShard(TableEntity row, Dictionary<ulong, PopulationEntry> into)
    {
        for (var column = 0; column < MaxColumns; column++)
        {
            if (row.GetBinary("E" + column) is not { } bytes)
            {
                break;
            }

            for (var offset = 0; offset + EntrySize <= bytes.Length; offset += EntrySize)
            {
                var key = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset));
                into[key] = new PopulationEntry(bytes[offset + 8], (PopulationFlags)bytes[offset + 9]);
            }
        }
    }

    /// <summary>The row for one shard's scored users.</summary>
    public static TableEntity ShardRow(DateOnly day, string shardKey, IReadOnlyList<(ulong Key, PopulationEntry Entry)> users)
    {
        var row = new TableEntity(DayKeys.Of(day), shardKey) { ["Users"] = users.Count };
        var perColumn = MaxColumnBytes / EntrySize;
        if (users.Count > perColumn * MaxColumns)
        {
            throw new InvalidOperationException($"A shard of {users.Count} users does not fit one population row; raise {nameof(InfluenceOptions.ShardCount)}.");
        }

        for (var column = 0; column * perColumn < users.Count; column++)
        {
            var slice = users.Skip(column * perColumn).Take(perColumn).ToList();
            var bytes = new byte[slice.Count * EntrySize];
            for (var i = 0; i < slice.Count; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * EntrySize), slice[i].Key);
                bytes[(i * EntrySize) + 8] = slice[i].Entry.Score;
                bytes[(i * EntrySize) + 9] = (byte)slice[i].Entry.Flags;
            }

            row["E" + column] = bytes;
        }

        return row;
    }
}
