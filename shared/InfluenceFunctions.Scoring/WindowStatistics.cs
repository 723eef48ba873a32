using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// Decayed, burst-damped daily averages of one <see cref="NetworkWindow"/>'s activity, computed with
/// 8-wide vectors, and the latest audience and list levels.
/// </summary>
internal struct WindowStatistics
{
    public double Audience;
    public double Posts;
    public double Reactions;
    public double Reshares;
    public double Replies;
    public double MentionsReceived;
    public double Engagers;
    public double Lists;

    /// <summary>Bit d set when day index d has any activity value.</summary>
    public UInt128 Days;

    /// <summary>Decay weight of day index d (0 oldest .. 89 the scoring day): 0.5^((89 - d) / half-life).</summary>
    public static readonly float[] DayWeights = CreateDayWeights();

    /// <summary>Sum of <see cref="DayWeights"/>: the weight of a full window.</summary>
    public static readonly double WindowWeight = DayWeights.Sum(w => (double)w);

    private const int FirstFlow = (int)SignalKind.Posts;

    private const float RestDayWeight = (float)ScoreModelV1.RestDayWeight;

    /// <summary>Lanes (signal - 1) of the reach signals, which weigh rest days less: reactions, mentions received, engagers.</summary>
    private static readonly Vector256<float> RestWeightedLanes = Vector256.Create(0, -1, 0, 0, -1, 0, 0, -1).AsSingle();

    /// <summary>The network has any data in the window: a day with activity values, or an audience level.</summary>
    public readonly bool HasAnyData => Days != UInt128.Zero || !double.IsNaN(Audience) || !double.IsNaN(Lists);

    public static void Compute(NetworkWindow window, out WindowStatistics statistics)
    {
        statistics = default;
        const int stride = ScoringWindow.SignalCount;
        ref var start = ref MemoryMarshal.GetArrayDataReference(window.Values);
        ref var weights = ref MemoryMarshal.GetArrayDataReference(DayWeights);

        // One 8-wide load per day covers signals 1-8: posts .. unique engagers, every flow the model reads.
        // Pass 1: days with data, the two largest days (for burst damping) and the decayed sums.
        var zero = Vector256<float>.Zero;
        var one = Vector256<float>.One;
        var restWeight = Vector256.Create(RestDayWeight);
        Vector256<float> first = zero, second = zero, weighted = zero, weight = zero, weightedOdd = zero, weightOdd = zero;
        ulong daysLow = 0, daysHigh = 0;
        for (var d = 0; d < ScoringWindow.Days; d += 2)
        {
            // Two days per round with their own sums, so the two multiply-add chains overlap.
            var even = Day(ref start, ref weights, d, ref first, ref second, ref weighted, ref weight);
            var odd = Day(ref start, ref weights, d + 1, ref first, ref second, ref weightedOdd, ref weightOdd);
            var bits = (even | (odd << 1)) << (d & 63);
            if (d < 64)
            {
                daysLow |= bits;
            }
            else
            {
                daysHigh |= bits;
            }
        }

        weighted += weightedOdd;
        weight += weightOdd;
        statistics.Days = new UInt128(daysHigh, daysLow);

        // Burst damping: no day counts for more than a multiple of the signal's second-largest day (or of its
        // average day, or a couple of counts, whichever is more). One frantic day cannot raise its own cap, and the
        // cap never falls when any day rises, so more activity never lowers an average. Steady users never reach
        // the cap, so the second pass runs only when some day does.
        var cap = BurstCap(second, weighted / weight, (float)ScoreModelV1.MinimumBurstCap);
        if (Vector256.GreaterThanAny(first, cap))
        {
            weighted = zero;
            for (var d = 0; d < ScoringWindow.Days; d++)
            {
                var a = Vector256.LoadUnsafe(ref start, (nuint)((d * stride) + FirstFlow));
                var x = Vector256.MinNative(Vector256.MaxNative(a & Vector256.Equals(a, a), zero), cap);
                var rest = Vector256.Equals(Vector256.Shuffle(a, Vector256<int>.Zero), zero);
                var w = Vector256.Create(Unsafe.Add(ref weights, d)) * Vector256.ConditionalSelect(rest & RestWeightedLanes, restWeight, one);
                weighted = Vector256.FusedMultiplyAdd(x, w, weighted);
            }
        }

        var mean = weighted / weight; // 0/0 = NaN: the signal has no data in the window
        statistics.Posts = mean.GetElement((int)SignalKind.Posts - FirstFlow);
        statistics.Reactions = mean.GetElement((int)SignalKind.Reactions - FirstFlow);
        statistics.Reshares = mean.GetElement((int)SignalKind.Reshares - FirstFlow);
        statistics.Replies = mean.GetElement((int)SignalKind.Replies - FirstFlow);
        statistics.MentionsReceived = mean.GetElement((int)SignalKind.MentionsReceived - FirstFlow);
        statistics.Engagers = mean.GetElement((int)SignalKind.UniqueEngagers - FirstFlow);

        // Levels: the latest value in the window.
        statistics.Audience = Latest(window.Values, SignalKind.AudienceSize);
        statistics.Lists = Latest(window.Values, SignalKind.ListMemberships);
    }

    /// <summary>One day of pass 1; returns 1 when the day has any value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Day(
        ref float start,
        ref float weights,
        int d,
        ref Vector256<float> first,
        ref Vector256<float> second,
        ref Vector256<float> weighted,
        ref Vector256<float> weight)
    {
        var zero = Vector256<float>.Zero;
        var a = Vector256.LoadUnsafe(ref start, (nuint)((d * ScoringWindow.SignalCount) + FirstFlow));
        var valid = Vector256.Equals(a, a);
        var x = Vector256.MaxNative(a & valid, zero); // NaN and negative count as nothing

        // A day without posts tells less about reach than a day with them: in the reach signals it weighs less,
        // so a break costs less. Posts and the per-post signals keep every day at full weight. Branch-free: posts
        // is broadcast to every lane and compared there.
        var rest = Vector256.Equals(Vector256.Shuffle(a, Vector256<int>.Zero), zero);
        var w = Vector256.Create(Unsafe.Add(ref weights, d))
            * Vector256.ConditionalSelect(rest & RestWeightedLanes, Vector256.Create(RestDayWeight), Vector256<float>.One);
        second = Vector256.MaxNative(second, Vector256.MinNative(first, x));
        first = Vector256.MaxNative(first, x);
        weighted = Vector256.FusedMultiplyAdd(x, w, weighted);
        weight += w & valid;
        var validBits = valid.ExtractMostSignificantBits();
        return (validBits | (0u - validBits)) >> 31;
    }

    /// <summary>
    /// max(multiple * a busy day that is not the busiest, multiple * average day, floor): non-decreasing in every
    /// day's value, so capping never makes more activity count for less. NaN (no data) leaves the floor.
    /// </summary>
    internal static Vector256<float> BurstCap(Vector256<float> busyDay, Vector256<float> averageDay, float floor)
    {
        var multiple = Vector256.Create((float)ScoreModelV1.BurstCapMultiple);
        var average = averageDay & Vector256.Equals(averageDay, averageDay);
        return Vector256.MaxNative(Vector256.MaxNative(multiple * busyDay, multiple * average), Vector256.Create(floor));
    }

    private static double Latest(float[] values, SignalKind signal)
    {
        for (var d = ScoringWindow.Days - 1; d >= 0; d--)
        {
            var value = values[(d * ScoringWindow.SignalCount) + (int)signal];
            if (!float.IsNaN(value))
            {
                return Math.Max(value, 0);
            }
        }

        return double.NaN;
    }

    private static float[] CreateDayWeights()
    {
        var weights = new float[ScoringWindow.Days];
        for (var d = 0; d < weights.Length; d++)
        {
            weights[d] = (float)Math.Pow(0.5, (ScoringWindow.Days - 1 - d) / ScoreModelV1.HalfLifeDays);
        }

        return weights;
    }
}
