using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// Decayed, burst-damped daily averages of one <see cref="NetworkWindow"/>, computed with 8-wide vectors:
/// each day is read as signals 0-7 and signals 2-9 (two overlapping loads cover all ten).
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

    /// <summary>Bit d set when day index d has any value (low: days 0-63, high: days 64-89).</summary>
    public ulong DaysLow;
    public ulong DaysHigh;

    /// <summary>Decay weight of day index d (0 oldest .. 89 the scoring day): 0.5^((89 - d) / half-life).</summary>
    public static readonly float[] DayWeights = CreateDayWeights();

    /// <summary>Sum of <see cref="DayWeights"/>: the weight of a full window.</summary>
    public static readonly double WindowWeight = DayWeights.Sum(w => (double)w);

    public readonly bool HasAnyDay => (DaysLow | DaysHigh) != 0;

    public static void Compute(NetworkWindow window, out WindowStatistics statistics)
    {
        statistics = default;
        const int stride = ScoringWindow.SignalCount;
        ref var start = ref MemoryMarshal.GetArrayDataReference(window.Values);
        ref var weights = ref MemoryMarshal.GetArrayDataReference(DayWeights);

        // Pass 1: which days have data, and each signal's mean over its active (non-zero) days.
        var zero = Vector256<float>.Zero;
        var one = Vector256<float>.One;
        Vector256<float> sumA = zero, activeA = zero, sumB = zero, activeB = zero;
        ulong low = 0, high = 0;
        for (var d = 0; d < ScoringWindow.Days; d++)
        {
            var a = Vector256.LoadUnsafe(ref start, (nuint)(d * stride));
            var b = Vector256.LoadUnsafe(ref start, (nuint)((d * stride) + 2));
            var validA = Vector256.Equals(a, a);
            var validB = Vector256.Equals(b, b);
            if ((validA | validB).ExtractMostSignificantBits() != 0)
            {
                if (d < 64)
                {
                    low |= 1UL << d;
                }
                else
                {
                    high |= 1UL << (d - 64);
                }
            }

            var xa = Vector256.Max(a & validA, zero);
            var xb = Vector256.Max(b & validB, zero);
            sumA += xa;
            sumB += xb;
            activeA += Vector256.GreaterThan(xa, zero) & one;
            activeB += Vector256.GreaterThan(xb, zero) & one;
        }

        statistics.DaysLow = low;
        statistics.DaysHigh = high;
        if ((low | high) == 0)
        {
            statistics.SetAll(double.NaN);
            return;
        }

        // Burst damping: no day counts for more than a multiple of the signal's typical active day.
        var multiple = Vector256.Create((float)ScoreModelV1.BurstCapMultiple);
        var capA = multiple * sumA / Vector256.Max(activeA, one);
        var capB = multiple * sumB / Vector256.Max(activeB, one);

        // Pass 2: decayed means of the capped values over the days that have data.
        Vector256<float> weightedA = zero, weightA = zero, weightedB = zero, weightB = zero;
        for (var d = 0; d < ScoringWindow.Days; d++)
        {
            var a = Vector256.LoadUnsafe(ref start, (nuint)(d * stride));
            var b = Vector256.LoadUnsafe(ref start, (nuint)((d * stride) + 2));
            var validA = Vector256.Equals(a, a);
            var validB = Vector256.Equals(b, b);
            var w = Vector256.Create(Unsafe.Add(ref weights, d));
            weightedA += Vector256.Min(Vector256.Max(a & validA, zero), capA) * w;
            weightedB += Vector256.Min(Vector256.Max(b & validB, zero), capB) * w;
            weightA += w & validA;
            weightB += w & validB;
        }

        var meanA = weightedA / weightA; // 0/0 = NaN: the signal has no data in the window
        var meanB = weightedB / weightB;
        statistics.Audience = meanA.GetElement((int)SignalKind.AudienceSize);
        statistics.Posts = meanA.GetElement((int)SignalKind.Posts);
        statistics.Reactions = meanA.GetElement((int)SignalKind.Reactions);
        statistics.Reshares = meanA.GetElement((int)SignalKind.Reshares);
        statistics.Replies = meanA.GetElement((int)SignalKind.Replies);
        statistics.MentionsReceived = meanA.GetElement((int)SignalKind.MentionsReceived);
        statistics.Engagers = meanB.GetElement((int)SignalKind.UniqueEngagers - 2);
        statistics.Lists = meanB.GetElement((int)SignalKind.ListMemberships - 2);
    }

    private void SetAll(double value)
    {
        Audience = Posts = Reactions = Reshares = Replies = MentionsReceived = Engagers = Lists = value;
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
