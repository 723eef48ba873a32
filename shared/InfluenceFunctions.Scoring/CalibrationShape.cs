namespace InfluenceFunctions.Scoring;

/// <summary>
/// A target shape of the score distribution: (population percentile, score reached there), linear in between.
/// Score s starts at the percentile where the curve reaches s. <see cref="Calibration"/> fits its knots so that the
/// population lands on it.
/// </summary>
public sealed class CalibrationShape
{
    private CalibrationShape(string name, IReadOnlyList<(double Percentile, double Score)> points)
    {
        Name = name;
        Points = points;
    }

    /// <summary>
    /// Model v1's shape (<see cref="Calibration.TargetShape"/>): half the population below 20, the top 5% at 65 or
    /// more, and the top 0.1% at 100 - so in a large population thousands share 100.
    /// </summary>
    public static CalibrationShape V1 { get; } = new("v1", Calibration.TargetShape);

    /// <summary>
    /// Model v2's shape: the same as v1 up to the 95th percentile (so a switch moves the middle little), then a
    /// decade of the population per band at the top, so the top keeps its order: the top 1% starts at 80, the top
    /// 0.1% at 90, 0.01% at 95, 0.001% at 98, and 100 starts at the top millionth. In a population of a million the
    /// top 1,000 spread over 90-100, and 100 is held by about one account.
    /// </summary>
    public static CalibrationShape V2 { get; } = new(
        "v2",
        [
            (0.000, 1),
            (0.100, 5),
            (0.250, 10),
            (0.500, 20),
            (0.750, 35),
            (0.900, 52),
            (0.950, 65),
            (0.990, 80),
            (0.999, 90),
            (0.9999, 95),
            (0.99999, 98),
            (0.999999, 100),
            (1.000, 101),
        ]);

    public string Name { get; }

    public IReadOnlyList<(double Percentile, double Score)> Points { get; }

    /// <summary>The shape of that name (as serialized with a calibration).</summary>
    public static CalibrationShape Named(string name) => name switch
    {
        "v1" => V1,
        "v2" => V2,
        _ => throw new FormatException($"Unknown calibration shape '{name}'."),
    };

    /// <summary>The percentile at which score <paramref name="score"/> starts.</summary>
    public double PercentileWhereScoreStarts(int score)
    {
        for (var i = 1; i < Points.Count; i++)
        {
            if (score <= Points[i].Score)
            {
                var (p0, s0) = Points[i - 1];
                var (p1, s1) = Points[i];
                return p0 + ((p1 - p0) * (score - s0) / (s1 - s0));
            }
        }

        return 1;
    }

    /// <summary>The score the shape gives percentile <paramref name="percentile"/> (real-valued, 1 to 101).</summary>
    public double ScoreAt(double percentile)
    {
        for (var i = 1; i < Points.Count; i++)
        {
            if (percentile <= Points[i].Percentile)
            {
                var (p0, s0) = Points[i - 1];
                var (p1, s1) = Points[i];
                return s0 + ((s1 - s0) * (percentile - p0) / (p1 - p0));
            }
        }

        return Points[^1].Score;
    }

    /// <summary>The mean score of a population exactly on the shape (each score s held by its percentile band).</summary>
    public double MeanScore()
    {
        double mean = 0;
        for (var s = 1; s <= Calibration.Points; s++)
        {
            var next = s < Calibration.Points ? PercentileWhereScoreStarts(s + 1) : 1;
            mean += s * (next - PercentileWhereScoreStarts(s));
        }

        return mean;
    }
}
