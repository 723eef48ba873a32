using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// Last night's scores of everybody in one flat open-addressing table: 16 bytes a slot, at most half full,
/// so a lookup is usually a single memory access. Build it once per night and share it between threads
/// (read-only after construction). About 32 bytes per user: 10 million users take some 320 MB.
/// </summary>
public sealed class PopulationTable : IPopulationScores, IPopulationTableSource
{
    private readonly Slot[] slots;
    private readonly int mask;

    /// <param name="expectedUsers">How many users will be added; the table does not grow past twice that.</param>
    public PopulationTable(int expectedUsers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedUsers);
        var capacity = 16;
        while (capacity < expectedUsers * 2L)
        {
            capacity *= 2;
        }

        slots = new Slot[capacity];
        mask = capacity - 1;
    }

    public int Count { get; private set; }

    /// <summary>Adds or replaces a user's entry. Not thread-safe; finish building before scoring.</summary>
    public void Set(ulong userKey, PopulationEntry entry)
    {
        if (Count >= slots.Length / 2)
        {
            throw new InvalidOperationException("The population table is full; give a larger expected size.");
        }

        var slot = Home(userKey);
        while (slots[slot].Used)
        {
            if (slots[slot].Key == userKey)
            {
                slots[slot] = new Slot(userKey, entry);
                return;
            }

            slot = (slot + 1) & mask;
        }

        slots[slot] = new Slot(userKey, entry);
        Count++;
    }

    PopulationTable IPopulationTableSource.Table => this;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(ulong userKey, out PopulationEntry entry)
    {
        var slot = Home(userKey);
        while (slots[slot].Used)
        {
            if (slots[slot].Key == userKey)
            {
                entry = new PopulationEntry(slots[slot].Score, slots[slot].Flags);
                return true;
            }

            slot = (slot + 1) & mask;
        }

        entry = default;
        return false;
    }

    /// <summary>
    /// Reads the home slot of every engager and returns something of them, so that a user's lookups first pull
    /// their slots into the cache together (the memory accesses overlap) and then find them there.
    /// </summary>
    internal ulong Touch(ReadOnlySpan<Engagement> engagements)
    {
        ulong touched = 0;
        foreach (var e in engagements)
        {
            touched ^= slots[Home(e.UserKey)].Key;
        }

        return touched;
    }

    private int Home(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> 32) & mask;

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Slot(ulong key, PopulationEntry entry)
    {
        public readonly ulong Key = key;
        public readonly byte Score = entry.Score;
        public readonly PopulationFlags Flags = entry.Flags;
        public readonly bool Used = true;
    }
}

/// <summary>
/// A population kept in a <see cref="PopulationTable"/>. The model then reads the table directly: it pulls a user's
/// engagers into the cache together and looks them up without an interface call each.
/// </summary>
public interface IPopulationTableSource : IPopulationScores
{
    PopulationTable Table { get; }
}
