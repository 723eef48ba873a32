using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// How one quantity is spread in one population, as a monotone mapping to the standard normal scale: the value at
/// the population's median maps to 0, the top 1% starts at 2.33, the top 0.01% at 3.72. It is a table of
/// <see cref="KnotCount"/> knots: the quantity (after <see cref="Log"/>: ln(1 + x)) at the quantiles where z is
/// -3, -2.75, ..., +4. Between knots it interpolates; past the top knot it keeps rising linearly in the transformed
/// quantity at the slope of the upper knots, so there is no ceiling. A value equal to a run of tied knots (a share of the
/// population at exactly that value, typically zero) maps to the middle of the run, as ranks treat ties, and values
/// near it interpolate to that middle: the mapping is continuous, so a small change moves a standard score a little.
/// </summary>
public sealed class SignalScale
{
    /// <summary>Knots per scale.</summary>
    public const int KnotCount = 29;

    /// <summary>z of the first knot.</summary>
    public const double FirstZ = -3;

    /// <summary>z between knots.</summary>
    public const double ZStep = 0.25;

    /// <summary>Past the top knot, with a flat top (everybody tied there), one unit of the transformed quantity is one unit of z.</summary>
    private const double DefaultTopSlope = 1;

    private static readonly double[] GridProbabilities = CreateGridProbabilities();

    /// <summary>The knots as floats, padded to 32 with +infinity: four 8-wide compares find a value's segment without branches.</summary>
    private const int SearchWidth = 32;

    private readonly double[] knots;
    private readonly double[] tieZ;
    private readonly float[] search;
    private readonly double topSlope;

    /// <param name="log">Knots and values are ln(1 + x) of non-negative counts (true) or the quantity itself (false).</param>
    /// <param name="knots">The transformed quantity at z = -3, -2.75, ..., +4: finite and non-decreasing.</param>
    public SignalScale(bool log, IReadOnlyList<double> knots)
    {
        ArgumentNullException.ThrowIfNull(knots);
        if (knots.Count != KnotCount)
        {
            throw new ArgumentException($"A signal scale has {KnotCount} knots.", nameof(knots));
        }

        for (var i = 0; i < knots.Count; i++)
        {
            if (!double.IsFinite(knots[i]) || (i > 0 && !(knots[i] >= knots[i - 1])))
            {
                throw new ArgumentException("Knots must be non-decreasing and finite.", nameof(knots));
            }
        }

        Log = log;
        this.knots = [.. knots];
        Knots = Array.AsReadOnly(this.knots);
        tieZ = TieMiddles(this.knots);
        search = new float[SearchWidth];
        Array.Fill(search, float.PositiveInfinity);
        for (var i = 0; i < KnotCount; i++)
        {
            search[i] = (float)this.knots[i];
        }

        var rise = this.knots[KnotCount - 1] - this.knots[KnotCount - 5];
        topSlope = rise > 1e-9 ? rise / (4 * ZStep) : DefaultTopSlope;
    }

    public bool Log { get; }

    public IReadOnlyList<double> Knots { get; }

    /// <summary>z of knot <paramref name="index"/>.</summary>
    public static double ZAt(int index) => FirstZ + (index * ZStep);

    /// <summary>The population share below knot <paramref name="index"/>: Φ(z).</summary>
    public static double ProbabilityAt(int index) => GridProbabilities[index];

    /// <summary>
    /// A scale for a quantity that is log-normal in its population: median <paramref name="median"/>, and
    /// <paramref name="logSpread"/> natural-log units per standard deviation. The cold-start prior of a signal.
    /// </summary>
    public static SignalScale LogNormal(double median, double logSpread)
    {
        var knots = new double[KnotCount];
        for (var i = 0; i < KnotCount; i++)
        {
            knots[i] = Math.Log(1 + (median * Math.Exp(logSpread * ZAt(i))));
        }

        return new SignalScale(true, knots);
    }

    /// <summary>A scale for a quantity that is normal in its population (mean, standard deviation).</summary>
    public static SignalScale Normal(double mean, double deviation)
    {
        var knots = new double[KnotCount];
        for (var i = 0; i < KnotCount; i++)
        {
            knots[i] = mean + (deviation * ZAt(i));
        }

        return new SignalScale(false, knots);
    }

    /// <summary>The scale of a population known by a uniform sample of it and its largest values (see <see cref="TailQuantiles"/>).</summary>
    internal static SignalScale Fit(bool log, ReadOnlySpan<double> uniformSorted, ReadOnlySpan<double> topDescending, long population)
    {
        var knots = new double[KnotCount];
        for (var i = 0; i < KnotCount; i++)
        {
            knots[i] = TailQuantiles.Quantile(uniformSorted, topDescending, population, GridProbabilities[i]);
            if (i > 0 && knots[i] < knots[i - 1])
            {
                knots[i] = knots[i - 1];
            }
        }

        return new SignalScale(log, knots);
    }

    /// <summary>Knot by knot (1 - weight) * previous + weight * next: monotone stays monotone.</summary>
    public static SignalScale Blend(SignalScale previous, SignalScale next, double weight)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        if (weight >= 1 || previous.Log != next.Log)
        {
            return next;
        }

        var knots = new double[KnotCount];
        for (var i = 0; i < KnotCount; i++)
        {
            knots[i] = ((1 - weight) * previous.knots[i]) + (weight * next.knots[i]);
            if (i > 0 && knots[i] < knots[i - 1])
            {
                knots[i] = knots[i - 1]; // rounding only
            }
        }

        return new SignalScale(previous.Log, knots);
    }

    /// <summary>The quantity transformed as the knots are (ln(1 + x) for counts, negative counts as 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Transform(double value) => Log ? Math.Log(1 + Math.Max(value, 0)) : value;

    /// <summary>Where <paramref name="value"/> (untransformed, finite) stands in the population, in standard deviations.</summary>
    public double Map(double value) => MapTransformed(Transform(value));

    /// <summary><see cref="Map"/> of an already transformed value.</summary>
    public double MapTransformed(double t)
    {
        var k = knots;
        if (t < k[0])
        {
            return FirstZ;
        }

        // The last knot at or below t: count the knots at or below it, 8 at a time (float rounding can miss by one near
        // a knot; the exact comparisons after put that right).
        var lo = CountAtOrBelow(t) - 1;
        while (lo + 1 < KnotCount && k[lo + 1] <= t)
        {
            lo++;
        }

        while (lo > 0 && k[lo] > t)
        {
            lo--;
        }

        if (t == k[lo])
        {
            return tieZ[lo];
        }

        if (lo == KnotCount - 1)
        {
            return tieZ[lo] + ((t - k[lo]) / topSlope);
        }

        // Between two knots, from the z of the lower one to the z of the upper one; a knot in a tied run stands for the
        // run's middle, so a value just past a tie (the first reshare after none) moves a little, not over the whole tie.
        return tieZ[lo] + ((tieZ[lo + 1] - tieZ[lo]) * (t - k[lo]) / (k[lo + 1] - k[lo]));
    }

    /// <summary>The value (untransformed) that <see cref="Map"/> puts at standard score <paramref name="z"/>: its inverse.</summary>
    public double ValueAt(double z)
    {
        // Map is piecewise linear through (knot, z of the knot or of its tie's middle); walk the same pieces backwards.
        double t;
        if (z <= tieZ[0])
        {
            t = knots[0];
        }
        else if (z >= tieZ[KnotCount - 1])
        {
            t = knots[KnotCount - 1] + ((z - tieZ[KnotCount - 1]) * topSlope);
        }
        else
        {
            var i = 0;
            while (i < KnotCount - 2 && !(z < tieZ[i + 1]))
            {
                i++;
            }

            var rise = tieZ[i + 1] - tieZ[i];
            t = rise > 0 ? knots[i] + ((knots[i + 1] - knots[i]) * (z - tieZ[i]) / rise) : knots[i + 1];
        }

        return Log ? Math.Exp(t) - 1 : t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int CountAtOrBelow(double t)
    {
        var value = Vector256.Create((float)t);
        ref var start = ref MemoryMarshal.GetArrayDataReference(search);
        var below = Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref start), value).ExtractMostSignificantBits()
            | (Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref start, 8), value).ExtractMostSignificantBits() << 8)
            | (Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref start, 16), value).ExtractMostSignificantBits() << 16)
            | (Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref start, 24), value).ExtractMostSignificantBits() << 24);
        return BitOperations.PopCount(below);
    }

    internal string Serialize() =>
        (Log ? "log" : "lin") + ":" + string.Join(',', knots.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    internal static SignalScale Parse(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || text[..colon] is not ("log" or "lin"))
        {
            throw new FormatException("Not a serialized signal scale.");
        }

        var knots = text[(colon + 1)..].Split(',').Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        return new SignalScale(text[..colon] == "log", knots);
    }

    /// <summary>For each knot, the z a value exactly equal to it maps to: the middle (in probability) of its run of equal knots.</summary>
    private static double[] TieMiddles(double[] knots)
    {
        var result = new double[KnotCount];
        var first = 0;
        for (var i = 0; i < KnotCount; i++)
        {
            if (i > 0 && knots[i] != knots[i - 1])
            {
                first = i;
            }

            var last = i;
            while (last + 1 < KnotCount && knots[last + 1] == knots[i])
            {
                last++;
            }

            result[i] = first == last ? ZAt(i) : NormalDistribution.InverseCdf((GridProbabilities[first] + GridProbabilities[last]) / 2);
        }

        return result;
    }

    private static double[] CreateGridProbabilities()
    {
        var p = new double[KnotCount];
        for (var i = 0; i < KnotCount; i++)
        {
            p[i] = NormalDistribution.Cdf(ZAt(i));
        }

        return p;
    }
}
