using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// What the who-engaged-whom edges say about a user: engagement weighted by the engagers' previous scores
/// (burst-damped per day, decayed), how ring-like the reciprocal part is, and how much comes from new or
/// unscored accounts. Uses small open-addressing tables on the stack, no allocation for ordinary users.
/// </summary>
internal struct EngagementStatistics
{
    /// <summary>Decayed, damped inbound engagement per day, each weighted by the engager's standing.</summary>
    public double WeightedPerDay;

    /// <summary>Decayed, damped inbound engagement per day, unweighted.</summary>
    public double CountPerDay;

    public double RingShare;
    public double NewOrUnscoredShare;

    /// <summary>Share of inbound engagement from accounts this user engages back (0-1); v2 judges rings from it.</summary>
    public double ReciprocalInShare;

    /// <summary>Share of outbound engagement going to this user's own engagers (0-1).</summary>
    public double ReciprocalOutShare;

    /// <summary>How many equally active engagers the inbound engagement amounts to (total² / sum of squares).</summary>
    public double EffectiveEngagers;

    /// <summary>Days with any inbound or outbound edge (bit d = day index d).</summary>
    public UInt128 Days;

    private const int StackTableLimit = 512;

    /// <summary>Per-day arrays are padded to whole vectors; the padding days weigh nothing.</summary>
    private const int PaddedDays = 96;

    private const float Saturation = (float)ScoreModelV1.EngagerSaturation;

    private static readonly float[] ScoreWeights = CreateScoreWeights();

    private static readonly float[] PaddedDayWeights = [.. WindowStatistics.DayWeights, .. new float[PaddedDays - ScoringWindow.Days]];

    public static void Compute(ScoringInput input, IPopulationScores population, out EngagementStatistics statistics)
    {
        statistics = default;
        Engagement[]? rentedIn = null, rentedOut = null;
        try
        {
            var inbound = AsSpan(input.Inbound, ref rentedIn);
            var outbound = AsSpan(input.Outbound, ref rentedOut);
            if (inbound.IsEmpty && outbound.IsEmpty)
            {
                return;
            }

            Compute(inbound, outbound, input.UserKey, population, ref statistics);
        }
        finally
        {
            if (rentedIn is not null)
            {
                ArrayPool<Engagement>.Shared.Return(rentedIn);
            }

            if (rentedOut is not null)
            {
                ArrayPool<Engagement>.Shared.Return(rentedOut);
            }
        }
    }

    private static void Compute(
        ReadOnlySpan<Engagement> inbound,
        ReadOnlySpan<Engagement> outbound,
        ulong self,
        IPopulationScores population,
        ref EngagementStatistics statistics)
    {
        // No loops in here: a method with both stackalloc and loops is compiled fully optimized on its first call,
        // before the static tables it reads exist, and never gets tier-1 code (static reads through helper calls,
        // no profile-guided layout). The loops live in Accumulate, which tiers up normally.

        // Outbound: decayed count per account this user engages.
        var outCapacity = KeyTable.CapacityFor(outbound.Length);
        ulong[]? rentedOutKeys = null;
        double[]? rentedOutValues = null;
        int[]? rentedOutUsed = null;
        var outKeys = outCapacity <= StackTableLimit ? stackalloc ulong[outCapacity] : (rentedOutKeys = ArrayPool<ulong>.Shared.Rent(outCapacity)).AsSpan(0, outCapacity);
        var outValues = outCapacity <= StackTableLimit ? stackalloc double[outCapacity] : (rentedOutValues = ArrayPool<double>.Shared.Rent(outCapacity)).AsSpan(0, outCapacity);
        var outUsed = outCapacity <= StackTableLimit ? stackalloc int[outCapacity] : (rentedOutUsed = ArrayPool<int>.Shared.Rent(outCapacity)).AsSpan(0, outCapacity);

        // Inbound: decayed count per engager, with the engager's weight and newness beside it.
        var inCapacity = KeyTable.CapacityFor(inbound.Length);
        ulong[]? rentedInKeys = null;
        double[]? rentedInValues = null;
        int[]? rentedInUsed = null;
        float[]? rentedInWeights = null, rentedInSuspicion = null;
        var inKeys = inCapacity <= StackTableLimit ? stackalloc ulong[inCapacity] : (rentedInKeys = ArrayPool<ulong>.Shared.Rent(inCapacity)).AsSpan(0, inCapacity);
        var inValues = inCapacity <= StackTableLimit ? stackalloc double[inCapacity] : (rentedInValues = ArrayPool<double>.Shared.Rent(inCapacity)).AsSpan(0, inCapacity);
        var inUsed = inCapacity <= StackTableLimit ? stackalloc int[inCapacity] : (rentedInUsed = ArrayPool<int>.Shared.Rent(inCapacity)).AsSpan(0, inCapacity);
        var inWeights = inCapacity <= StackTableLimit ? stackalloc float[inCapacity] : (rentedInWeights = ArrayPool<float>.Shared.Rent(inCapacity)).AsSpan(0, inCapacity);
        var inSuspicion = inCapacity <= StackTableLimit ? stackalloc float[inCapacity] : (rentedInSuspicion = ArrayPool<float>.Shared.Rent(inCapacity)).AsSpan(0, inCapacity);
        int[]? rentedSlots = null;
        var edgeSlots = inbound.Length <= StackTableLimit ? stackalloc int[inbound.Length] : (rentedSlots = ArrayPool<int>.Shared.Rent(inbound.Length)).AsSpan(0, inbound.Length);
        Span<float> dayWeighted = stackalloc float[PaddedDays];
        Span<float> dayCount = stackalloc float[PaddedDays];
        Span<float> daySuspicious = stackalloc float[PaddedDays];

        try
        {
            var scratch = new Scratch
            {
                OutKeys = outKeys,
                OutValues = outValues,
                OutUsed = outUsed,
                InKeys = inKeys,
                InValues = inValues,
                InUsed = inUsed,
                InWeights = inWeights,
                InSuspicion = inSuspicion,
                EdgeSlots = edgeSlots,
                DayWeighted = dayWeighted,
                DayCount = dayCount,
                DaySuspicious = daySuspicious,
            };
            Accumulate(inbound, outbound, self, population, ref scratch, ref statistics);
        }
        finally
        {
            ReturnIfRented(rentedOutKeys);
            ReturnIfRented(rentedOutValues);
            ReturnIfRented(rentedOutUsed);
            ReturnIfRented(rentedInKeys);
            ReturnIfRented(rentedInValues);
            ReturnIfRented(rentedInUsed);
            ReturnIfRented(rentedInWeights);
            ReturnIfRented(rentedInSuspicion);
            ReturnIfRented(rentedSlots);
        }
    }

    /// <summary>The work of <see cref="Compute(ReadOnlySpan{Engagement}, ReadOnlySpan{Engagement}, ulong, IPopulationScores, ref EngagementStatistics)"/> on its scratch tables.</summary>
    private static void Accumulate(
        ReadOnlySpan<Engagement> inbound,
        ReadOnlySpan<Engagement> outbound,
        ulong self,
        IPopulationScores population,
        ref Scratch scratch,
        ref EngagementStatistics statistics)
    {
        var dayWeights = WindowStatistics.DayWeights;
        const int lastDay = ScoringWindow.Days - 1;
        var outKeys = scratch.OutKeys;
        var outValues = scratch.OutValues;
        var outUsed = scratch.OutUsed;
        var inKeys = scratch.InKeys;
        var inValues = scratch.InValues;
        var inUsed = scratch.InUsed;
        var inWeights = scratch.InWeights;
        var inSuspicion = scratch.InSuspicion;
        var edgeSlots = scratch.EdgeSlots;
        var dayWeighted = scratch.DayWeighted;
        var dayCount = scratch.DayCount;
        var daySuspicious = scratch.DaySuspicious;
        var outTable = new KeyTable(outKeys, outValues, outUsed);
        var inTable = new KeyTable(inKeys, inValues, inUsed);
        ulong daysLow = 0, daysHigh = 0; // bit d: day index d has an edge
        foreach (var e in outbound)
        {
            if ((uint)e.DaysAgo > lastDay || !(e.Count > 0) || e.UserKey == self)
            {
                continue;
            }

            var day = lastDay - e.DaysAgo;
            var bit = 1UL << (day & 63);
            daysLow |= day < 64 ? bit : 0;
            daysHigh |= day < 64 ? 0 : bit;
            outTable.Add(e.UserKey, e.Count * dayWeights[day]);
        }

        // Pull the engagers' population slots into the cache all at once, so their memory accesses overlap.
        var table = (population as IPopulationTableSource)?.Table;
        if (table is not null)
        {
            Consume(table.Touch(inbound));
        }

        // Inbound, pass 1: aggregate per engager; remember each edge's slot (-1: not counted).
        for (var i = 0; i < inbound.Length; i++)
        {
            ref readonly var e = ref inbound[i];
            if ((uint)e.DaysAgo > lastDay || !(e.Count > 0) || e.UserKey == self)
            {
                edgeSlots[i] = -1;
                continue;
            }

            var day = lastDay - e.DaysAgo;
            var bit = 1UL << (day & 63);
            daysLow |= day < 64 ? bit : 0;
            daysHigh |= day < 64 ? 0 : bit;
            edgeSlots[i] = inTable.Add(e.UserKey, e.Count * dayWeights[day]);
        }

        statistics.Days = new UInt128(daysHigh, daysLow);
        if (inTable.Count == 0)
        {
            return;
        }

        // Pass 2: each engager's standing, looked up once (in the table directly when there is one: no interface call each).
        if (table is not null)
        {
            foreach (var slot in inUsed[..inTable.Count])
            {
                var found = table.TryGet(inKeys[slot], out var entry);
                Standing(found, entry, out inWeights[slot], out inSuspicion[slot]);
            }
        }
        else
        {
            foreach (var slot in inUsed[..inTable.Count])
            {
                var found = population.TryGet(inKeys[slot], out var entry);
                Standing(found, entry, out inWeights[slot], out inSuspicion[slot]);
            }
        }

        // Pass 3: per day. One engager's engagements on one day saturate: a binge is not a crowd.
        dayWeighted.Clear();
        dayCount.Clear();
        daySuspicious.Clear();
        for (var i = 0; i < inbound.Length; i++)
        {
            var slot = edgeSlots[i];
            if (slot < 0)
            {
                continue;
            }

            var count = inbound[i].Count;
            var day = lastDay - inbound[i].DaysAgo;
            dayWeighted[day] += count * Saturation / (count + Saturation) * inWeights[slot];
            dayCount[day] += count;
            daySuspicious[day] += count * inSuspicion[slot];
        }

        // Per engager: concentration; reciprocity from the (smaller) outbound side, one probe per account.
        double total = 0, squares = 0;
        foreach (var slot in inUsed[..inTable.Count])
        {
            var count = inValues[slot];
            total += count;
            squares += count * count;
        }

        double outTotal = 0, reciprocalOut = 0, reciprocalIn = 0;
        foreach (var slot in outUsed[..outTable.Count])
        {
            outTotal += outValues[slot];
            var inSlot = inTable.SlotOf(outKeys[slot]);
            var found = inSlot >= 0;
            reciprocalOut += found ? outValues[slot] : 0;
            reciprocalIn += found ? inValues[Math.Max(inSlot, 0)] : 0;
        }

        // Ring: inbound comes back from the accounts this user engages, outbound goes to its engagers, and
        // there are few of them. Each factor is 0-1; an ordinary account's mutual friends score near 0
        // because its engagers are many.
        var effectiveEngagers = total * total / squares;
        var spread = effectiveEngagers / ScoreModelV1.RingConcentrationScale;
        var concentration = 1 / (1 + (spread * spread));
        statistics.RingShare = outTotal > 0 ? reciprocalIn / total * (reciprocalOut / outTotal) * concentration : 0;
        statistics.ReciprocalInShare = reciprocalIn / total;
        statistics.ReciprocalOutShare = outTotal > 0 ? reciprocalOut / outTotal : 0;
        statistics.EffectiveEngagers = effectiveEngagers;
        Damp(dayCount, dayWeighted, daySuspicious, out var dampedCount, out var dampedWeighted, out var dampedSuspicious);
        statistics.CountPerDay = dampedCount / WindowStatistics.WindowWeight;
        statistics.WeightedPerDay = dampedWeighted / WindowStatistics.WindowWeight;
        statistics.NewOrUnscoredShare = dampedCount > 0 ? dampedSuspicious / dampedCount : 0;
    }

    /// <summary>An engager's weight (by previous score; little when new or unscored) and how much it counts as new or unscored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Standing(bool found, PopulationEntry entry, out float weight, out float suspicion)
    {
        if (found && entry.Score > 0)
        {
            weight = ScoreWeights[Math.Min((int)entry.Score, 100)];
            suspicion = 0;
            if ((entry.Flags & PopulationFlags.New) != 0)
            {
                weight *= (float)ScoreModelV1.NewEngagerMultiplier;
                suspicion = 1;
            }
        }
        else
        {
            weight = (float)ScoreModelV1.UnknownEngagerWeight;
            suspicion = (float)ScoreModelV1.UnscoredShareWeight;
        }
    }

    /// <summary>
    /// Decayed sums of the per-day series after burst damping: a day whose engagement count or weighted
    /// engagement exceeds the cap (<see cref="WindowStatistics.BurstCap"/>) is scaled down, all three series alike.
    /// </summary>
    private static void Damp(
        Span<float> count,
        Span<float> weighted,
        Span<float> suspicious,
        out double countSum,
        out double weightedSum,
        out double suspiciousSum)
    {
        ref var counts = ref MemoryMarshal.GetReference(count);
        ref var weighteds = ref MemoryMarshal.GetReference(weighted);
        ref var suspiciouses = ref MemoryMarshal.GetReference(suspicious);
        ref var weights = ref MemoryMarshal.GetArrayDataReference(PaddedDayWeights);
        var zero = Vector256<float>.Zero;
        var one = Vector256<float>.One;

        // Pass 1: decayed sums and, per lane (days d, d + 8, ...), the busiest day.
        Vector256<float> countSums = zero, weightedSums = zero, suspiciousSums = zero, countMax = zero, weightedMax = zero;
        for (var d = 0; d < PaddedDays; d += Vector256<float>.Count)
        {
            var c = Vector256.LoadUnsafe(ref counts, (nuint)d);
            var w = Vector256.LoadUnsafe(ref weighteds, (nuint)d);
            var decay = Vector256.LoadUnsafe(ref weights, (nuint)d);
            countSums = Vector256.FusedMultiplyAdd(c, decay, countSums);
            weightedSums = Vector256.FusedMultiplyAdd(w, decay, weightedSums);
            suspiciousSums = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref suspiciouses, (nuint)d), decay, suspiciousSums);
            countMax = Vector256.MaxNative(countMax, c);
            weightedMax = Vector256.MaxNative(weightedMax, w);
        }

        // The busy day: the second-largest of the lanes' busiest days, so one burst never sets its own cap.
        var countCap = WindowStatistics.BurstCap(
            Vector256.Create(SecondLargest(countMax)), Vector256.Create((float)(Vector256.Sum(countSums) / WindowStatistics.WindowWeight)), (float)ScoreModelV1.MinimumBurstCap);
        var weightedCap = WindowStatistics.BurstCap(
            Vector256.Create(SecondLargest(weightedMax)), Vector256.Create((float)(Vector256.Sum(weightedSums) / WindowStatistics.WindowWeight)), 0);
        if (Vector256.GreaterThanAny(countMax, countCap) || Vector256.GreaterThanAny(weightedMax, weightedCap))
        {
            // Pass 2 (bursts only): scale = min(1, countCap / c, weightedCap / w); days under both caps keep 1.
            countSums = weightedSums = suspiciousSums = zero;
            for (var d = 0; d < PaddedDays; d += Vector256<float>.Count)
            {
                var c = Vector256.LoadUnsafe(ref counts, (nuint)d);
                var w = Vector256.LoadUnsafe(ref weighteds, (nuint)d);
                var scale = Vector256.MinNative(
                    Vector256.ConditionalSelect(Vector256.GreaterThan(c, countCap), countCap / c, one),
                    Vector256.ConditionalSelect(Vector256.GreaterThan(w, weightedCap), weightedCap / w, one));
                var decay = Vector256.LoadUnsafe(ref weights, (nuint)d) * scale;
                countSums = Vector256.FusedMultiplyAdd(c, decay, countSums);
                weightedSums = Vector256.FusedMultiplyAdd(w, decay, weightedSums);
                suspiciousSums = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref suspiciouses, (nuint)d), decay, suspiciousSums);
            }
        }

        countSum = Vector256.Sum(countSums);
        weightedSum = Vector256.Sum(weightedSums);
        suspiciousSum = Vector256.Sum(suspiciousSums);
    }

    private static float SecondLargest(Vector256<float> values)
    {
        float first = 0, second = 0;
        for (var lane = 0; lane < Vector256<float>.Count; lane++)
        {
            var x = values.GetElement(lane);
            second = Math.Max(second, Math.Min(first, x));
            first = Math.Max(first, x);
        }

        return second;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Consume(ulong value) => _ = value;

    private static ReadOnlySpan<Engagement> AsSpan(IReadOnlyList<Engagement>? list, ref Engagement[]? rented)
    {
        switch (list)
        {
            case null:
                return [];
            case Engagement[] array:
                return array;
            case List<Engagement> items:
                return CollectionsMarshal.AsSpan(items);
            default:
                rented = ArrayPool<Engagement>.Shared.Rent(list.Count);
                for (var i = 0; i < list.Count; i++)
                {
                    rented[i] = list[i];
                }

                return rented.AsSpan(0, list.Count);
        }
    }

    private static void ReturnIfRented<T>(T[]? array)
    {
        if (array is not null)
        {
            ArrayPool<T>.Shared.Return(array);
        }
    }

    private static float[] CreateScoreWeights()
    {
        // An engager's weight grows with the square of its score: an engager at 80 counts 16 times one at 20.
        var weights = new float[101];
        for (var s = 1; s <= 100; s++)
        {
            weights[s] = (float)Math.Pow(s / 100.0, ScoreModelV1.EngagerScoreExponent);
        }

        return weights;
    }

    /// <summary>The scratch tables of one user (on the stack, or rented for very large users).</summary>
    private ref struct Scratch
    {
        public Span<ulong> OutKeys;
        public Span<double> OutValues;
        public Span<int> OutUsed;
        public Span<ulong> InKeys;
        public Span<double> InValues;
        public Span<int> InUsed;
        public Span<float> InWeights;
        public Span<float> InSuspicion;
        public Span<int> EdgeSlots;
        public Span<float> DayWeighted;
        public Span<float> DayCount;
        public Span<float> DaySuspicious;
    }

    /// <summary>
    /// An open-addressing table of 64-bit keys to non-negative sums; a negative value marks an empty slot, and
    /// the used slots are listed in insertion order so scans skip the empty ones.
    /// </summary>
    private ref struct KeyTable
    {
        private readonly Span<ulong> keys;
        private readonly Span<double> values;
        private readonly Span<int> used;
        private readonly int mask;

        public KeyTable(Span<ulong> keys, Span<double> values, Span<int> used)
        {
            this.keys = keys;
            this.values = values;
            this.used = used;
            mask = keys.Length - 1;
            values.Fill(-1);
        }

        public int Count { get; private set; }

        /// <summary>The smallest power of two that is at least 16 and twice the items (at most half full).</summary>
        public static int CapacityFor(int items) => (int)Math.Max(16, BitOperations.RoundUpToPowerOf2((uint)items * 2));

        /// <summary>Adds <paramref name="amount"/> to the key's sum; returns its slot. Branch-free apart from probing.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Add(ulong key, double amount)
        {
            var slot = Home(key);
            while (values[slot] >= 0 && keys[slot] != key)
            {
                slot = (slot + 1) & mask;
            }

            // An empty slot holds -1 and a used one a positive sum: max(previous, 0) starts a new key at 0, and the
            // sign bit counts it, without a branch that new and repeated engagers would mispredict.
            var previous = values[slot];
            values[slot] = Math.Max(previous, 0) + amount;
            keys[slot] = key;
            used[Count] = slot; // overwritten by the next new key unless this one is new
            Count += (int)(BitConverter.DoubleToUInt64Bits(previous) >> 63);
            return slot;
        }

        /// <summary>The key's slot, or -1.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly int SlotOf(ulong key)
        {
            var slot = Home(key);
            while (values[slot] >= 0 && keys[slot] != key)
            {
                slot = (slot + 1) & mask;
            }

            return values[slot] >= 0 ? slot : -1;
        }

        private readonly int Home(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> 32) & mask;
    }
}
