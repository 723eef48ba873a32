using System.Buffers;
using System.Runtime.InteropServices;

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

    /// <summary>Days with any inbound or outbound edge (bit d = day index d).</summary>
    public ulong DaysLow;
    public ulong DaysHigh;

    private const int StackTableLimit = 512;

    private static readonly float[] ScoreWeights = CreateScoreWeights();

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
        var dayWeights = WindowStatistics.DayWeights;
        const int lastDay = ScoringWindow.Days - 1;

        // Outbound: decayed count per account this user engages.
        var outCapacity = KeyTable.CapacityFor(outbound.Length);
        ulong[]? rentedOutKeys = null;
        double[]? rentedOutValues = null;
        var outKeys = outCapacity <= StackTableLimit ? stackalloc ulong[outCapacity] : (rentedOutKeys = ArrayPool<ulong>.Shared.Rent(outCapacity)).AsSpan(0, outCapacity);
        var outValues = outCapacity <= StackTableLimit ? stackalloc double[outCapacity] : (rentedOutValues = ArrayPool<double>.Shared.Rent(outCapacity)).AsSpan(0, outCapacity);
        var outTable = new KeyTable(outKeys, outValues);

        // Inbound: decayed count per engager, then the engager's weight in a second value column.
        var inCapacity = KeyTable.CapacityFor(inbound.Length);
        ulong[]? rentedInKeys = null;
        double[]? rentedInValues = null, rentedInWeights = null;
        var inKeys = inCapacity <= StackTableLimit ? stackalloc ulong[inCapacity] : (rentedInKeys = ArrayPool<ulong>.Shared.Rent(inCapacity)).AsSpan(0, inCapacity);
        var inValues = inCapacity <= StackTableLimit ? stackalloc double[inCapacity] : (rentedInValues = ArrayPool<double>.Shared.Rent(inCapacity)).AsSpan(0, inCapacity);
        var inWeights = inCapacity <= StackTableLimit ? stackalloc double[inCapacity] : (rentedInWeights = ArrayPool<double>.Shared.Rent(inCapacity)).AsSpan(0, inCapacity);
        var inTable = new KeyTable(inKeys, inValues);

        try
        {
            ulong low = 0, high = 0;
            foreach (var e in outbound)
            {
                if ((uint)e.DaysAgo > lastDay || !(e.Count > 0) || e.UserKey == self)
                {
                    continue;
                }

                var day = lastDay - e.DaysAgo;
                MarkDay(day, ref low, ref high);
                outTable.Add(e.UserKey, e.Count * dayWeights[day]);
            }

            foreach (var e in inbound)
            {
                if ((uint)e.DaysAgo > lastDay || !(e.Count > 0) || e.UserKey == self)
                {
                    continue;
                }

                var day = lastDay - e.DaysAgo;
                MarkDay(day, ref low, ref high);
                inTable.Add(e.UserKey, e.Count * dayWeights[day]);
            }

            statistics.DaysLow = low;
            statistics.DaysHigh = high;
            if (inTable.Count == 0)
            {
                return;
            }

            // Per engager: standing, reciprocity, concentration, newness.
            double total = 0, squares = 0, reciprocalIn = 0, suspicious = 0;
            for (var slot = 0; slot < inKeys.Length; slot++)
            {
                var count = inValues[slot];
                if (count < 0)
                {
                    continue; // empty slot
                }

                var key = inKeys[slot];
                total += count;
                squares += count * count;
                if (outTable.Contains(key))
                {
                    reciprocalIn += count;
                }

                double weight;
                if (population.TryGet(key, out var entry) && entry.Score > 0)
                {
                    weight = ScoreWeights[Math.Min((int)entry.Score, 100)];
                    if ((entry.Flags & PopulationFlags.New) != 0)
                    {
                        weight *= ScoreModelV1.NewEngagerMultiplier;
                        suspicious += count;
                    }
                }
                else
                {
                    weight = ScoreModelV1.UnknownEngagerWeight;
                    suspicious += ScoreModelV1.UnscoredShareWeight * count;
                }

                inWeights[slot] = weight;
            }

            double outTotal = 0, reciprocalOut = 0;
            for (var slot = 0; slot < outKeys.Length; slot++)
            {
                var count = outValues[slot];
                if (count < 0)
                {
                    continue;
                }

                outTotal += count;
                if (inTable.Contains(outKeys[slot]))
                {
                    reciprocalOut += count;
                }
            }

            // Ring: inbound comes back from the accounts this user engages, outbound goes to its engagers, and
            // there are few of them. Each factor is 0-1; an ordinary account's mutual friends score near 0
            // because its engagers are many.
            var effectiveEngagers = total * total / squares;
            var concentration = 1 / (1 + Math.Pow(effectiveEngagers / ScoreModelV1.RingConcentrationScale, 2));
            statistics.RingShare = outTotal > 0 ? reciprocalIn / total * (reciprocalOut / outTotal) * concentration : 0;
            statistics.NewOrUnscoredShare = suspicious / total;

            // Per day: weighted and plain totals, each day capped at a multiple of the typical active day.
            Span<double> dayWeighted = stackalloc double[ScoringWindow.Days];
            Span<double> dayCount = stackalloc double[ScoringWindow.Days];
            dayWeighted.Clear();
            dayCount.Clear();
            foreach (var e in inbound)
            {
                if ((uint)e.DaysAgo > lastDay || !(e.Count > 0) || e.UserKey == self)
                {
                    continue;
                }

                var day = lastDay - e.DaysAgo;
                dayWeighted[day] += e.Count * inWeights[inTable.SlotOf(e.UserKey)];
                dayCount[day] += e.Count;
            }

            statistics.WeightedPerDay = DampedDecayedSum(dayWeighted) / WindowStatistics.WindowWeight;
            statistics.CountPerDay = DampedDecayedSum(dayCount) / WindowStatistics.WindowWeight;
        }
        finally
        {
            ReturnIfRented(rentedOutKeys);
            ReturnIfRented(rentedOutValues);
            ReturnIfRented(rentedInKeys);
            ReturnIfRented(rentedInValues);
            ReturnIfRented(rentedInWeights);
        }
    }

    private static double DampedDecayedSum(ReadOnlySpan<double> perDay)
    {
        double sum = 0;
        var active = 0;
        foreach (var value in perDay)
        {
            if (value > 0)
            {
                sum += value;
                active++;
            }
        }

        if (active == 0)
        {
            return 0;
        }

        var cap = ScoreModelV1.BurstCapMultiple * sum / active;
        var dayWeights = WindowStatistics.DayWeights;
        double result = 0;
        for (var d = 0; d < perDay.Length; d++)
        {
            result += Math.Min(perDay[d], cap) * dayWeights[d];
        }

        return result;
    }

    private static void MarkDay(int day, ref ulong low, ref ulong high)
    {
        if (day < 64)
        {
            low |= 1UL << day;
        }
        else
        {
            high |= 1UL << (day - 64);
        }
    }

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

    /// <summary>An open-addressing table of 64-bit keys to non-negative sums; a negative value marks an empty slot.</summary>
    private ref struct KeyTable
    {
        private readonly Span<ulong> keys;
        private readonly Span<double> values;
        private readonly int mask;

        public KeyTable(Span<ulong> keys, Span<double> values)
        {
            this.keys = keys;
            this.values = values;
            mask = keys.Length - 1;
            values.Fill(-1);
        }

        public int Count { get; private set; }

        public static int CapacityFor(int items)
        {
            var capacity = 16;
            while (capacity < items * 2)
            {
                capacity *= 2;
            }

            return capacity;
        }

        public void Add(ulong key, double amount)
        {
            var slot = Home(key);
            while (true)
            {
                if (values[slot] < 0)
                {
                    keys[slot] = key;
                    values[slot] = amount;
                    Count++;
                    return;
                }

                if (keys[slot] == key)
                {
                    values[slot] += amount;
                    return;
                }

                slot = (slot + 1) & mask;
            }
        }

        public readonly bool Contains(ulong key) => SlotOf(key) >= 0;

        public readonly int SlotOf(ulong key)
        {
            var slot = Home(key);
            while (values[slot] >= 0)
            {
                if (keys[slot] == key)
                {
                    return slot;
                }

                slot = (slot + 1) & mask;
            }

            return -1;
        }

        private readonly int Home(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> 32) & mask;
    }
}
