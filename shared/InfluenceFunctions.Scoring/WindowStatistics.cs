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

    /// <summary>Bit d set when day index d has any activity value (low: days 0-63, high: days 64-89).</summary>
    public ulong DaysLow;
    public ulong DaysHigh;

    /// <summary>Decay weight of day index d (0 oldest .. 89 the scoring day): 0.5^((89 - d) / half-life).</summary>
    public static readonly float[] DayWeights = CreateDayWeights();

    /// <summary>Sum of <see cref="DayWeights"/>: the weight of a full window.</summary>
    public static readonly double WindowWeight = DayWeights.Sum(w => (double)w);

    private const int FirstFlow = (int)SignalKind.Posts;

    private const float RestDayWeight = (float)ScoreModelV1.RestDayWeight;

    /// <summary>The network has any data in the window: a day with activity values, or an audience level.</summary>
    public readonly bool HasAnyData => (DaysLow | DaysHigh) != 0 || !double.IsNaN(Audience) || !double.IsNaN(Lists);

    public static void Compute(NetworkWindow window, out WindowStatistics statistics)
    {
        statistics = default;
        const int stride = ScoringWindow.SignalCount;
        ref var start = ref MemoryMarshal.GetArrayDataReference(window.Values);
        ref var weights = ref MemoryMarshal.GetArrayDataReference(DayWeights);

        // One 8-wide load per day covers signals 1-8: posts .. unique engagers, every flow the model reads.
        // Pass 1: days with data, sum / active days / largest day (for burst damping) and the decayed sums.
        var zero = Vector256<float>.Zero;
        var one = Vector256<float>.One;
        Vector256<float> sum = zero, active = zero, largest = zero, weighted = zero, weight = zero;
        ulong low = 0, high = 0;
        for (var d = 0; d < ScoringWindow.Days; d++)
        {
            var a = Vector256.LoadUnsafe(ref start, (nuint)((d * stride) + FirstFlow));
            var valid = Vector256.Equals(a, a);
            var x = Vector256.MaxNative(a & valid, zero); // NaN and negative count as nothing
            // A day without posts tells less about reach than a day with them: it weighs less, so a break costs less.
            var posts = a.GetElement(0);
            var w = Vector256.Create(Unsafe.Add(ref weights, d) * (posts == 0 ? RestDayWeight : 1f));
            sum += x;
            active += Vector256.GreaterThan(x, zero) & one;
            largest = Vector256.MaxNative(largest, x);
            weighted = Vector256.FusedMultiplyAdd(x, w, weighted);
            weight += w & valid;
            var any = (ulong)Math.Min(valid.ExtractMostSignificantBits(), 1u);
            if (d < 64)
            {
                low |= any << d;
            }
            else
            {
                high |= any << (d - 64);
            }
        }

        statistics.DaysLow = low;
        statistics.DaysHigh = high;

        // Burst damping: no day counts for more than a multiple of the signal's typical active day. Steady
        // users never reach the cap, so the second pass runs only when some day does.
        var cap = Vector256.Create((float)ScoreModelV1.BurstCapMultiple) * sum / Vector256.MaxNative(active, one);
        if (Vector256.GreaterThanAny(largest, cap))
        {
            for (var d = 0; d < ScoringWindow.Days; d++)
            {
                var a = Vector256.LoadUnsafe(ref start, (nuint)((d * stride) + FirstFlow));
                var excess = Vector256.MaxNative((a & Vector256.Equals(a, a)) - cap, zero);
                weighted -= excess * Vector256.Create(Unsafe.Add(ref weights, d) * (a.GetElement(0) == 0 ? RestDayWeight : 1f));
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
