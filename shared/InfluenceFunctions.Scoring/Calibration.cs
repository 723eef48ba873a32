using System.Globalization;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// The monotone mapping from a model's raw index to the 1-100 score: <see cref="Knots"/> holds, for
/// scores 1..100, the raw index at which each score starts (non-decreasing). It is rebuilt from a trailing
/// population sample and blended with the previous mapping, so the scale drifts slowly instead of jumping.
/// </summary>
public sealed class Calibration
{
    public const int Points = 100;

    /// <summary>
    /// After this many nights <see cref="Trailing"/> blends each new night in with this weight (an exponential
    /// average with a memory of about 20 nights); before that it averages the nights seen so far equally.
    /// </summary>
    public const double SteadyBlendWeight = 0.05;

    private readonly double[] knots;

    public Calibration(string modelVersion, IReadOnlyList<double> knots, int sampleNights)
        : this(modelVersion, knots, sampleNights, CalibrationShape.V1, null)
    {
    }

    /// <param name="modelVersion">The model whose raw index the knots are for.</param>
    /// <param name="knots">Knots[s-1] is the lowest raw index that maps to score s.</param>
    /// <param name="sampleNights">Nights of samples blended in (0 for a model's default).</param>
    /// <param name="shape">The target shape the knots are fitted to (and refitted to each night).</param>
    /// <param name="scales">Model v2's per-network signal scales, refreshed beside the knots; null for v1.</param>
    public Calibration(string modelVersion, IReadOnlyList<double> knots, int sampleNights, CalibrationShape shape, NetworkScales? scales)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(knots);
        if (knots.Count != Points)
        {
            throw new ArgumentException($"A calibration has {Points} knots.", nameof(knots));
        }

        for (var i = 0; i < knots.Count; i++)
        {
            if (!double.IsFinite(knots[i]) || (i > 0 && !(knots[i] >= knots[i - 1])))
            {
                throw new ArgumentException("Knots must be non-decreasing and finite.", nameof(knots));
            }
        }

        ModelVersion = modelVersion;
        this.knots = knots.ToArray();
        Knots = Array.AsReadOnly(this.knots);
        SampleNights = sampleNights;
        Shape = shape;
        Scales = scales;
    }

    public string ModelVersion { get; }

    /// <summary>The target shape the knots are fitted to.</summary>
    public CalibrationShape Shape { get; }

    /// <summary>Model v2's per-network signal scales (null for v1, whose raw index needs none).</summary>
    public NetworkScales? Scales { get; }

    /// <summary>Knots[s-1] is the lowest raw index that maps to score s.</summary>
    public IReadOnlyList<double> Knots { get; }

    /// <summary>How many nights of samples have been blended in (0 for a model's default).</summary>
    public int SampleNights { get; }

    /// <summary>
    /// The target shape of the score distribution: (population percentile, score reached there), linear in
    /// between. Score s starts at the percentile where this curve reaches s, so about half the population
    /// is below 20, the top 5% is at 65 or more and only the top 0.1% gets 100. Its mean is about 25.
    /// </summary>
    public static IReadOnlyList<(double Percentile, double Score)> TargetShape { get; } =
    [
        (0.000, 1),
        (0.100, 5),
        (0.250, 10),
        (0.500, 20),
        (0.750, 35),
        (0.900, 52),
        (0.950, 65),
        (0.990, 82),
        (0.999, 100),
        (1.000, 101),
    ];

    /// <summary>Maps a raw index to 1-100. Monotone: a larger raw index never maps lower.</summary>
    public int Map(double rawIndex)
    {
        if (double.IsNaN(rawIndex))
        {
            throw new ArgumentOutOfRangeException(nameof(rawIndex), "The raw index is NaN.");
        }

        return TieMiddle(LastKnotAtOrBelow(rawIndex), rawIndex) + 1;
    }

    /// <summary>
    /// Where a raw index falls on the scale as a real number in [1, 101): the integer part is <see cref="Map"/>,
    /// the fraction how far the index is between its score's knot and the next. Used to express changes of the
    /// raw index in score points.
    /// </summary>
    public double Position(double rawIndex)
    {
        if (double.IsNaN(rawIndex))
        {
            throw new ArgumentOutOfRangeException(nameof(rawIndex), "The raw index is NaN.");
        }

        if (rawIndex < knots[0])
        {
            return 1;
        }

        var i = LastKnotAtOrBelow(rawIndex);
        if (TieMiddle(i, rawIndex) is var middle && middle != i)
        {
            return middle + 1;
        }

        double width = i < Points - 1 ? knots[i + 1] - knots[i] : knots[i] - knots[i - 1];
        var fraction = width > 0 ? Math.Min((rawIndex - knots[i]) / width, 0.999) : 0;
        return i + 1 + fraction;
    }

    /// <summary>
    /// One line "version;nights;knot 1;...;knot 100" for a v1 calibration. A calibration with another shape or with
    /// network scales adds a line "shape;name" and one line per scale (see <see cref="NetworkScales"/>).
    /// </summary>
    public string Serialize()
    {
        var line = string.Join(';', new[] { ModelVersion, SampleNights.ToString(CultureInfo.InvariantCulture) }
            .Concat(knots.Select(k => k.ToString("R", CultureInfo.InvariantCulture))));
        if (Shape == CalibrationShape.V1 && Scales is null)
        {
            return line;
        }

        var text = line + "\nshape;" + Shape.Name;
        return Scales is null ? text : text + "\n" + Scales.Serialize();
    }

    public static Calibration Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var parts = lines.Length > 0 ? lines[0].Split(';') : [];
        if (parts.Length != Points + 2)
        {
            throw new FormatException("Not a serialized calibration.");
        }

        var knots = parts.Skip(2).Select(p => double.Parse(p, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        var shape = CalibrationShape.V1;
        var scaleLines = new List<string>();
        foreach (var line in lines.Skip(1))
        {
            if (line.StartsWith("shape;", StringComparison.Ordinal))
            {
                shape = CalibrationShape.Named(line["shape;".Length..]);
            }
            else
            {
                scaleLines.Add(line);
            }
        }

        var scales = scaleLines.Count > 0 ? NetworkScales.Parse(scaleLines) : null;
        return new Calibration(parts[0], knots, int.Parse(parts[1], CultureInfo.InvariantCulture), shape, scales);
    }

    /// <summary>The same knots with other network scales.</summary>
    public Calibration WithScales(NetworkScales? scales) => new(ModelVersion, knots, SampleNights, Shape, scales);

    /// <summary>
    /// A calibration that puts one population sample of raw indexes exactly on <see cref="TargetShape"/>:
    /// knot s is the sample quantile at the percentile where the target curve reaches s.
    /// </summary>
    public static Calibration FromSample(string modelVersion, IReadOnlyList<double> rawSample)
    {
        ArgumentNullException.ThrowIfNull(rawSample);
        return new Calibration(modelVersion, KnotsOf(rawSample), 1);
    }

    /// <summary>
    /// <see cref="FromSample(string, IReadOnlyList{double})"/> for another target shape. For a shape whose top lies
    /// beyond the sample (v2: score 100 at the top millionth) the sample is taken as the whole population and its top
    /// is extended with an exponential tail fitted to its largest values.
    /// </summary>
    public static Calibration FromSample(string modelVersion, IReadOnlyList<double> rawSample, CalibrationShape shape, NetworkScales? scales = null)
    {
        ArgumentNullException.ThrowIfNull(rawSample);
        ArgumentNullException.ThrowIfNull(shape);
        return new Calibration(modelVersion, KnotsOf(rawSample, shape), 1, shape, scales);
    }

    /// <summary>
    /// A calibration for <paramref name="shape"/> from a population known only by a bounded summary: a uniform sample of
    /// its raw indexes, its largest raw indexes, and its size (the form shards hand on; see <see cref="TailQuantiles"/>).
    /// Past the largest value the top is extended with an exponential tail fitted to the largest values.
    /// </summary>
    public static Calibration FromBoundedSample(
        string modelVersion, IReadOnlyList<double> uniformSample, IReadOnlyList<double> largest, long population, CalibrationShape shape, NetworkScales? scales = null)
    {
        ArgumentNullException.ThrowIfNull(uniformSample);
        ArgumentNullException.ThrowIfNull(largest);
        ArgumentNullException.ThrowIfNull(shape);
        var sorted = uniformSample.Where(double.IsFinite).Order().ToArray();
        var top = largest.Where(double.IsFinite).OrderDescending().ToArray();
        if (sorted.Length == 0 && top.Length == 0)
        {
            throw new ArgumentException("The sample has no finite raw index.", nameof(uniformSample));
        }

        return new Calibration(modelVersion, KnotsOf(sorted, top, population, shape), 1, shape, scales);
    }

    /// <summary>
    /// Knots for <paramref name="shape"/> from a population known by a uniform sample and its exact largest values
    /// (see <see cref="TailQuantiles"/>); the bounded form the nightly run's shards hand on.
    /// </summary>
    internal static double[] KnotsOf(ReadOnlySpan<double> uniformSorted, ReadOnlySpan<double> topDescending, long population, CalibrationShape shape) =>
        KnotsOf(uniformSorted, topDescending, population, shape.PercentileWhereScoreStarts);

    /// <summary>Knots that put the population on any target: score s starts at <paramref name="percentileWhereScoreStarts"/>(s).</summary>
    internal static double[] KnotsOf(ReadOnlySpan<double> uniformSorted, ReadOnlySpan<double> topDescending, long population, Func<int, double> percentileWhereScoreStarts)
    {
        var result = new double[Points];
        for (var s = 1; s <= Points; s++)
        {
            result[s - 1] = TailQuantiles.Quantile(uniformSorted, topDescending, population, percentileWhereScoreStarts(s));
            if (s > 1 && result[s - 1] < result[s - 2])
            {
                result[s - 1] = result[s - 2];
            }
        }

        return result;
    }

    /// <summary>
    /// Knots that put a population on the percentiles of scores people hold now (<see cref="PercentilesMatching"/>), with
    /// each tie settled by its share: a run of equal knots is narrowed around the score its tied share's middle holds.
    /// Without it a large tie (accounts nobody engaged with, all at one raw index) would sit at the middle of the run's
    /// score numbers, not of its people: the live model holds such a block at one score, and matching would send it
    /// half the run lower. The knots outside the narrowed run move by a relative 1e-9 only, so no untied index moves.
    /// </summary>
    public static double[] KnotsMatching(ReadOnlySpan<double> uniformSorted, ReadOnlySpan<double> topDescending, long population, IReadOnlyList<double> percentiles)
    {
        var knots = KnotsOf(uniformSorted, topDescending, population, s => percentiles[s - 1]);
        for (var first = 0; first < Points;)
        {
            var last = first;
            while (last + 1 < Points && knots[last + 1] == knots[first])
            {
                last++;
            }

            if (last > first && uniformSorted.Length > 0)
            {
                var tie = knots[first];
                var below = LowerBound(uniformSorted, tie);
                var atOrBelow = UpperBound(uniformSorted, tie);
                var middle = (below + atOrBelow) / 2.0 / uniformSorted.Length;
                var target = first;
                while (target < last && percentiles[target + 1] <= middle)
                {
                    target++;
                }

                var half = Math.Min(target - first, last - target);
                var step = Math.Max(Math.Abs(tie), 1e-300) * 1e-9;
                for (var i = first; i < target - half; i++)
                {
                    knots[i] = Math.Max(tie - (step * (target - half - i)), first > 0 ? knots[first - 1] : double.MinValue);
                }

                for (var i = target + half + 1; i <= last; i++)
                {
                    knots[i] = Math.Min(tie + (step * (i - target - half)), last + 1 < Points ? knots[last + 1] : double.MaxValue);
                }
            }

            first = last + 1;
        }

        return knots;
    }

    private static int LowerBound(ReadOnlySpan<double> sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static int UpperBound(ReadOnlySpan<double> sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>
    /// Where each score starts in a distribution of scores people hold now (Histogram[s - 1] hold score s): element
    /// s - 1 is the share holding less than s. A calibration fitted to these percentiles gives a new model's raw index
    /// the live scores' distribution, so a switch changes people's order, not the scale (see ADR 0019).
    /// </summary>
    public static double[] PercentilesMatching(IReadOnlyList<long> histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var total = histogram.Sum();
        var result = new double[Points];
        long below = 0;
        for (var s = 1; s <= Points; s++)
        {
            result[s - 1] = total == 0 ? 0 : (double)below / total;
            below += s - 1 < histogram.Count ? histogram[s - 1] : 0;
        }

        return result;
    }

    /// <summary>Knots blended knot by knot into <paramref name="previous"/> (see <see cref="Blend"/>), its scales replaced.</summary>
    internal static Calibration BlendKnots(Calibration previous, double[] sample, double weight, NetworkScales? scales)
    {
        var blended = new double[Points];
        for (var i = 0; i < Points; i++)
        {
            blended[i] = ((1 - weight) * previous.knots[i]) + (weight * sample[i]);
            if (i > 0 && blended[i] < blended[i - 1])
            {
                blended[i] = blended[i - 1]; // rounding only
            }
        }

        return new Calibration(previous.ModelVersion, blended, previous.SampleNights + 1, previous.Shape, scales);
    }

    /// <summary>
    /// Moves <paramref name="previous"/> towards one night's sample: each knot becomes
    /// (1 - weight) * previous + weight * sample knot. A convex combination of monotone knots stays monotone,
    /// and with a small weight one night moves the scale only slightly.
    /// </summary>
    public static Calibration Blend(Calibration previous, IReadOnlyList<double> rawSample, double weight)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(rawSample);
        if (!(weight is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), "The weight is between 0 and 1.");
        }

        return BlendKnots(previous, KnotsOf(rawSample, previous.Shape), weight, previous.Scales);
    }

    /// <summary>
    /// The nightly update: <see cref="Blend"/> with weight 1/(nights + 1) for the first nights (an equal average
    /// of every night so far, which also replaces a model's synthetic default on the first real night) and
    /// <see cref="SteadyBlendWeight"/> after that.
    /// </summary>
    public static Calibration Trailing(Calibration previous, IReadOnlyList<double> rawSample)
    {
        ArgumentNullException.ThrowIfNull(previous);
        return Blend(previous, rawSample, TrailingWeight(previous.SampleNights));
    }

    /// <summary>The blend weight <see cref="Trailing"/> gives the next night after <paramref name="sampleNights"/> nights.</summary>
    public static double TrailingWeight(int sampleNights) => Math.Max(SteadyBlendWeight, 1.0 / (Math.Max(sampleNights, 0) + 1));

    /// <summary>The percentile at which score <paramref name="score"/> starts on <see cref="TargetShape"/>.</summary>
    public static double PercentileWhereScoreStarts(int score)
    {
        var shape = TargetShape;
        for (var i = 1; i < shape.Count; i++)
        {
            if (score <= shape[i].Score)
            {
                var (p0, s0) = shape[i - 1];
                var (p1, s1) = shape[i];
                return p0 + ((p1 - p0) * (score - s0) / (s1 - s0));
            }
        }

        return 1;
    }

    private static double[] KnotsOf(IReadOnlyList<double> rawSample, CalibrationShape shape)
    {
        if (shape == CalibrationShape.V1)
        {
            return KnotsOf(rawSample);
        }

        var sorted = rawSample.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("The sample has no finite raw index.", nameof(rawSample));
        }

        var top = sorted.AsSpan(Math.Max(0, sorted.Length - ScaleSummary.DefaultTopUsers)).ToArray();
        Array.Reverse(top);
        return KnotsOf(sorted, top, sorted.Length, shape);
    }

    private static double[] KnotsOf(IReadOnlyList<double> rawSample)
    {
        var sorted = new double[rawSample.Count];
        var n = 0;
        for (var i = 0; i < rawSample.Count; i++)
        {
            if (double.IsFinite(rawSample[i]))
            {
                sorted[n++] = rawSample[i];
            }
        }

        if (n == 0)
        {
            throw new ArgumentException("The sample has no finite raw index.", nameof(rawSample));
        }

        Array.Sort(sorted, 0, n);
        var result = new double[Points];
        for (var s = 1; s <= Points; s++)
        {
            var position = PercentileWhereScoreStarts(s) * (n - 1);
            var lo = (int)Math.Floor(position);
            var hi = Math.Min(lo + 1, n - 1);
            result[s - 1] = sorted[lo] + ((sorted[hi] - sorted[lo]) * (position - lo));
            if (s > 1 && result[s - 1] < result[s - 2])
            {
                result[s - 1] = result[s - 2];
            }
        }

        return result;
    }

    /// <summary>
    /// A raw index equal to a run of knots (a share of the population tied at one value, typically accounts nobody
    /// engaged with at all) sits in the middle of the run's scores: the tie's mid-percentile, as ranks treat ties,
    /// not its top (which would put the whole tied share at the score where the first untied account starts).
    /// </summary>
    private int TieMiddle(int last, double rawIndex)
    {
        if (knots[last] != rawIndex)
        {
            return last;
        }

        var first = last;
        while (first > 0 && knots[first - 1] == rawIndex)
        {
            first--;
        }

        return (first + last) / 2;
    }

    private int LastKnotAtOrBelow(double rawIndex)
    {
        // Binary search for the last knot <= raw (index 0 when raw is below every knot).
        int lo = 0, hi = Points - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (knots[mid] <= rawIndex)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }
}
