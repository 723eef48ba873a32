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

    public Calibration(string modelVersion, IReadOnlyList<double> knots, int sampleNights)
    {
        ArgumentNullException.ThrowIfNull(knots);
        if (knots.Count != Points)
        {
            throw new ArgumentException($"A calibration has {Points} knots.", nameof(knots));
        }

        for (var i = 1; i < knots.Count; i++)
        {
            if (!(knots[i] >= knots[i - 1]))
            {
                throw new ArgumentException("Knots must be non-decreasing and finite.", nameof(knots));
            }
        }

        ModelVersion = modelVersion;
        Knots = knots.ToArray();
        SampleNights = sampleNights;
    }

    public string ModelVersion { get; }

    /// <summary>Knots[s-1] is the lowest raw index that maps to score s.</summary>
    public IReadOnlyList<double> Knots { get; }

    /// <summary>How many nights of samples have been blended in (0 for a model's default).</summary>
    public int SampleNights { get; }

    /// <summary>Maps a raw index to 1-100. Monotone: a larger raw index never maps lower.</summary>
    public int Map(double rawIndex)
    {
        if (double.IsNaN(rawIndex))
        {
            throw new ArgumentOutOfRangeException(nameof(rawIndex), "The raw index is NaN.");
        }

        // Binary search for the last knot <= raw.
        int lo = 0, hi = Points - 1;
        if (rawIndex < Knots[0])
        {
            return 1;
        }

        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (Knots[mid] <= rawIndex)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo + 1;
    }

    public string Serialize() =>
        string.Join(';', new[] { ModelVersion, SampleNights.ToString(CultureInfo.InvariantCulture) }
            .Concat(Knots.Select(k => k.ToString("R", CultureInfo.InvariantCulture))));

    public static Calibration Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(';');
        if (parts.Length != Points + 2)
        {
            throw new FormatException("Not a serialized calibration.");
        }

        var knots = parts.Skip(2).Select(p => double.Parse(p, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        return new Calibration(parts[0], knots, int.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
