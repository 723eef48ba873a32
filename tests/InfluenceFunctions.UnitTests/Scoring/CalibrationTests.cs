using System.Globalization;
using static InfluenceFunctions.UnitTests.Scoring.ScoringTestData;
using InfluenceFunctions.Api;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.UnitTests.Scoring;

public class CalibrationTests
{
    [Fact]
    public void ShouldSpreadAHeavyTailedPopulationAsTheTargetShapeSays()
    {
        // Calibrate on one synthetic population, score another drawn the same way.
        var sample = SyntheticPopulation.Create(new SyntheticOptions(6_000, Seed: 51));
        var calibration = Calibration.FromSample(ScoreModelV1.ModelVersion, RawIndexes(sample, DefaultCalibration));
        var scores = Scores(SyntheticPopulation.Create(new SyntheticOptions(6_000, Seed: 52)), calibration);

        AssertTargetShape(scores);
    }

    [Fact]
    public void ShouldPutATiedShareOfThePopulationInTheMiddleOfItsScoresNotAtTheTop()
    {
        // Three quarters of a real graph (Higgs) had a raw index of exactly 0: nobody engaged with them.
        var sample = Enumerable.Range(0, 4_000).Select(i => i < 3_000 ? 0.0 : 0.5 + (i * 0.001)).ToList();
        var calibration = Calibration.FromSample("v1", sample);
        var tiedScore = calibration.Map(0);
        var firstUntied = calibration.Map(sample[3_000]);

        // The tie holds the knots of scores 1-34 (percentiles 0-75%): it maps to their middle, 17, not to 34.
        Assert.Equal(17, tiedScore);
        Assert.True(firstUntied >= 35, $"first untied account: {firstUntied}");
        Assert.Equal(tiedScore, (int)calibration.Position(0));
        Assert.Equal(1, calibration.Map(-1)); // Below every knot is still 1, and the mapping stays monotone.
        var raws = new[] { -1.0, 0.0, 1e-12, 0.5, 2.0, 5.0 };
        Assert.Equal(raws.Select(calibration.Map).Order(), raws.Select(calibration.Map));
    }

    [Fact]
    public void ShouldStartFromADefaultCalibrationWithTheTargetShape()
    {
        var scores = Scores(SyntheticPopulation.Create(new SyntheticOptions(6_000, Seed: 53)), DefaultCalibration);
        AssertTargetShape(scores);
        Assert.Equal(0, DefaultCalibration.SampleNights);
        Assert.Equal(ScoreModelV1.ModelVersion, DefaultCalibration.ModelVersion);
    }

    [Fact]
    public void ShouldKeepTheDefaultKnotsInStepWithTheModel()
    {
        var derived = SyntheticPopulation.DeriveDefaultCalibration(Model);
        var current = string.Join(", ", derived.Knots.Select(k => k.ToString("R", CultureInfo.InvariantCulture)));
        for (var i = 0; i < Calibration.Points; i++)
        {
            Assert.True(
                Math.Abs(derived.Knots[i] - DefaultCalibration.Knots[i]) < 1e-3,
                $"knot {i + 1}: the model changed; paste the derived knots into ScoreModelV1.DefaultKnots.cs: {current}");
        }
    }

    [Fact]
    public void ShouldMapMonotonicallyFrom1To100()
    {
        var calibration = Calibration.FromSample("v1", Enumerable.Range(0, 1000).Select(i => Math.Exp(i / 100.0)).ToArray());
        var previous = 0;
        for (var step = 0; step < 3_000; step++)
        {
            var raw = -10 + (Math.Pow(1.005, step) - 1); // -10 .. about 33,000
            var score = calibration.Map(raw);
            Assert.InRange(score, 1, 100);
            Assert.True(score >= previous);
            previous = score;
        }

        Assert.Equal(1, calibration.Map(double.MinValue));
        Assert.Equal(100, calibration.Map(double.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => calibration.Map(double.NaN));
    }

    [Fact]
    public void ShouldGive100OnlyToTheTop()
    {
        var raw = Enumerable.Range(0, 100_000).Select(i => (double)i).ToArray();
        var calibration = Calibration.FromSample("v1", raw);
        var hundreds = raw.Count(r => calibration.Map(r) == 100);
        Assert.InRange(hundreds, 90, 110); // the top 0.1%
        Assert.Equal(65, calibration.Map(raw[95_000]));
    }

    [Fact]
    public void ShouldMoveOnlySlightlyWhenOneNightIsBlendedIn()
    {
        var previous = DefaultCalibration;
        var shifted = RawIndexes(SyntheticPopulation.Create(new SyntheticOptions(3_000, Seed: 54)), previous).Select(r => r + 5).ToArray();
        var sampleOnly = Calibration.FromSample("v1", shifted);
        var blended = Calibration.Blend(previous, shifted, Calibration.SteadyBlendWeight);

        Assert.Equal(previous.SampleNights + 1, blended.SampleNights);
        for (var i = 0; i < Calibration.Points; i++)
        {
            var expected = previous.Knots[i] + (Calibration.SteadyBlendWeight * (sampleOnly.Knots[i] - previous.Knots[i]));
            Assert.Equal(expected, blended.Knots[i], 9);
            Assert.True(i == 0 || blended.Knots[i] >= blended.Knots[i - 1]);
        }

        // The whole population moved up 5 raw units (many points); one night moves any score by at most a point.
        for (var raw = 0.0; raw < 80; raw += 0.25)
        {
            Assert.InRange(previous.Map(raw) - blended.Map(raw), 0, 1);
        }
    }

    [Fact]
    public void ShouldAverageTheFirstNightsEquallyAndThenTrailSlowly()
    {
        Assert.Equal(1, Calibration.TrailingWeight(0));
        Assert.Equal(0.5, Calibration.TrailingWeight(1));
        Assert.Equal(Calibration.SteadyBlendWeight, Calibration.TrailingWeight(100));

        var first = Calibration.Trailing(DefaultCalibration, [1.0, 2, 3, 4]);
        Assert.Equal(1, first.SampleNights);
        Assert.Equal(Calibration.FromSample("v1", [1.0, 2, 3, 4]).Knots, first.Knots);
    }

    [Fact]
    public void ShouldRoundTripThroughItsSerializedForm()
    {
        var calibration = Calibration.Blend(DefaultCalibration, [1.5, 2.5, 40], 0.3);
        var parsed = Calibration.Parse(calibration.Serialize());
        Assert.Equal(calibration.Knots, parsed.Knots);
        Assert.Equal(calibration.SampleNights, parsed.SampleNights);
        Assert.Equal(calibration.ModelVersion, parsed.ModelVersion);
        Assert.Throws<FormatException>(() => Calibration.Parse("v1;0;1;2"));
    }

    [Fact]
    public void ShouldRejectKnotsThatAreNotMonotone()
    {
        var knots = Enumerable.Range(0, 100).Select(i => (double)i).ToArray();
        knots[50] = 10;
        Assert.Throws<ArgumentException>(() => new Calibration("v1", knots, 0));
        Assert.Throws<ArgumentException>(() => Calibration.FromSample("v1", [double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Calibration.Blend(DefaultCalibration, [1.0], 1.5));
    }

    private static void AssertTargetShape(List<int> scores)
    {
        var mean = scores.Average();
        var p95 = Percentile(scores.Select(s => (double)s), 0.95);
        var share100 = scores.Count(s => s == 100) / (double)scores.Count;
        var shareAbove65 = scores.Count(s => s >= 65) / (double)scores.Count;
        Assert.InRange(mean, 20, 30);
        Assert.True(p95 >= 62, $"95th percentile {p95}");
        Assert.InRange(shareAbove65, 0.035, 0.07);
        Assert.InRange(share100, 0.0001, 0.004);
    }

    private static List<double> RawIndexes(SyntheticPopulation population, Calibration calibration) =>
        population.Users
            .Select(u => Model.Score(u.InputForNight(0, null), population, calibration))
            .Where(r => r.Status == ScoreStatus.Scored)
            .Select(r => r.RawIndex)
            .ToList();

    private static List<int> Scores(SyntheticPopulation population, Calibration calibration) =>
        population.Users
            .Select(u => Model.Score(u.InputForNight(0, null), population, calibration).Score)
            .OfType<int>()
            .ToList();
}
