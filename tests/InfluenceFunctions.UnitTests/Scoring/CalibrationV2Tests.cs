using InfluenceFunctions.Scoring;
using static InfluenceFunctions.UnitTests.Scoring.ScoringTestData;

namespace InfluenceFunctions.UnitTests.Scoring;

/// <summary>v2's calibration shape, its fit from bounded samples, and the per-network scales under it.</summary>
public class CalibrationV2Tests
{
    [Theory]
    [InlineData("normal")]
    [InlineData("exponential")]
    public void ShouldKeepTheTopOfAMillionInOrder(string tail)
    {
        // A population of a million raw indexes, known to the fit only as the nightly run knows it: a uniform sample of
        // 4,096, the 256 largest, and the count. The top 1,000 spread over at least 10 points, and 100 is held by at
        // most one account in the million.
        var random = new Random(12);
        var raws = new double[1_000_000];
        for (var i = 0; i < raws.Length; i++)
        {
            raws[i] = tail == "normal" ? Gaussian(random) : -Math.Log(1 - random.NextDouble());
        }

        var uniform = Enumerable.Range(0, ScaleSummary.DefaultUniformUsers).Select(_ => raws[random.Next(raws.Length)]).ToList();
        var largest = raws.OrderDescending().Take(ScaleSummary.DefaultTopUsers).ToList();
        var calibration = Calibration.FromBoundedSample("v2", uniform, largest, raws.Length, CalibrationShape.V2);

        var top = raws.OrderDescending().Take(1_000).Select(calibration.Map).ToList();
        Assert.True(top.Distinct().Count() >= 10, $"{tail}: the top 1,000 hold {top.Distinct().Count()} distinct scores ({top.Min()}-{top.Max()})");
        Assert.True(top.Max() - top.Min() >= 9, $"{tail}: the top 1,000 span {top.Min()}-{top.Max()}");
        var hundreds = raws.Count(r => calibration.Map(r) == 100);
        Assert.True(hundreds <= 1, $"{tail}: {hundreds} accounts at 100");

        // The middle is where the shape puts it.
        var scores = raws.Where((_, i) => i % 50 == 0).Select(calibration.Map).Order().ToList();
        Assert.InRange(scores[scores.Count / 2], 19, 21);
        Assert.InRange(scores[(int)(scores.Count * 0.95)], 63, 67);
        Assert.InRange(scores.Average(), 23, 27);
    }

    [Fact]
    public void ShouldShareV1sShapeUpToThe95thPercentileAndSpreadTheTopByDecades()
    {
        for (var score = 1; score <= 65; score++)
        {
            Assert.Equal(CalibrationShape.V1.PercentileWhereScoreStarts(score), CalibrationShape.V2.PercentileWhereScoreStarts(score), 12);
        }

        Assert.Equal(0.999, CalibrationShape.V2.PercentileWhereScoreStarts(90), 12);
        Assert.Equal(0.9999, CalibrationShape.V2.PercentileWhereScoreStarts(95), 12);
        Assert.Equal(0.999999, CalibrationShape.V2.PercentileWhereScoreStarts(100), 12);
        Assert.Equal(0.999, CalibrationShape.V1.PercentileWhereScoreStarts(100), 12);
        Assert.InRange(CalibrationShape.V2.MeanScore(), 24, 26);
    }

    [Fact]
    public void ShouldPutAStandardNormalRawIndexOnTheShapeByDefault()
    {
        var calibration = V2TestData.Model.DefaultCalibration;
        Assert.Equal(CalibrationShape.V2, calibration.Shape);
        Assert.Same(NetworkScales.Prior, calibration.Scales);
        Assert.Equal(0, calibration.SampleNights);
        Assert.Equal(20, calibration.Map(0.0001));
        Assert.Equal(90, calibration.Map(3.091)); // just past the 99.9th percentile, 3.0902
        Assert.Equal(99, calibration.Map(4.7));
        Assert.Equal(100, calibration.Map(4.76)); // the top millionth
        Assert.Equal(1, calibration.Map(-5));
    }

    [Fact]
    public void ShouldFitEachNetworksSignalsToThatNetworksOwnPopulation()
    {
        // The same signal at very different levels on two networks: each network's median maps to the middle of its own
        // scale, so a thousand views on YouTube are not a thousand views on Twitter.
        var inputs = new List<ScoringInput>();
        var random = new Random(3);
        for (var i = 0; i < 3_000; i++)
        {
            var level = Math.Exp(Gaussian(random));
            var network = i % 2 == 0 ? "youtube" : "twitter";
            var views = network == "youtube" ? 10_000 * level : 100 * level;
            inputs.Add(Input($"u{i}", [V2TestData.Steady(network, posts: 1, reactions: 10 * level, audience: 1_000 * level, views: views)]));
        }

        var calibration = V2TestData.FittedTo(inputs, new PopulationTable(0));
        var youtubeViews = calibration.Scales!.Fitted("youtube", V2Signal.ViewsPerPost)!;
        var twitterViews = calibration.Scales.Fitted("twitter", V2Signal.ViewsPerPost)!;
        Assert.InRange(youtubeViews.Map(10_000), -0.1, 0.1);
        Assert.InRange(twitterViews.Map(100), -0.1, 0.1);
        Assert.InRange(youtubeViews.Map(10_000 * Math.E), 0.9, 1.1); // one standard deviation of the level
        Assert.True(twitterViews.Map(10_000) > 4, "ten thousand views are far out on Twitter's scale");
        Assert.Null(calibration.Scales.Fitted("youtube", V2Signal.ResharesPerPost)); // YouTube has no reshares: no scale

        var youtubeMedian = V2TestData.Model.Score(Input("a", [V2TestData.Steady("youtube", posts: 1, reactions: 10, audience: 1_000, views: 10_000)]), new PopulationTable(0), calibration);
        var twitterMedian = V2TestData.Model.Score(Input("b", [V2TestData.Steady("twitter", posts: 1, reactions: 10, audience: 1_000, views: 100)]), new PopulationTable(0), calibration);
        Assert.InRange(youtubeMedian.Score!.Value, 15, 25);
        Assert.InRange(twitterMedian.Score!.Value, 15, 25);
    }

    [Fact]
    public void ShouldMergeShardSummariesInAnyOrderAndStayBounded()
    {
        // Two shards' summaries merged (either way round) fit what one summary of everybody fits; none grows past its bounds.
        var population = SyntheticPopulation.Create(new SyntheticOptions(3_000, Seed: 5));
        var inputs = population.Users.Select(u => u.InputForNight(0, null)).ToList();
        var all = new ScaleSummary(uniformUsers: 500, topUsers: 64);
        var first = new ScaleSummary(uniformUsers: 500, topUsers: 64);
        var second = new ScaleSummary(uniformUsers: 500, topUsers: 64);
        for (var i = 0; i < inputs.Count; i++)
        {
            V2TestData.Model.Score(inputs[i], population, V2TestData.Model.DefaultCalibration, all);
            V2TestData.Model.Score(inputs[i], population, V2TestData.Model.DefaultCalibration, i % 3 == 0 ? first : second);
        }

        // The second shard's summary travels as JSON (as an activity result would).
        var json = System.Text.Json.JsonSerializer.Serialize(second.ToData());
        var travelled = ScaleSummary.FromData(System.Text.Json.JsonSerializer.Deserialize<ScaleSummaryData>(json)!);
        var firstThenSecond = new ScaleSummary(uniformUsers: 500, topUsers: 64);
        firstThenSecond.Merge(first);
        firstThenSecond.Merge(travelled);
        var secondThenFirst = new ScaleSummary(uniformUsers: 500, topUsers: 64);
        secondThenFirst.Merge(second);
        secondThenFirst.Merge(first);

        Assert.InRange(json.Length, 10_000, 400_000); // bounded by the capacities, whatever the shard's size
        Assert.Equal(500, all.SampledUsers);
        Assert.Equal(64, all.TopUsers);
        Assert.Equal(all.Users, firstThenSecond.Users);
        var expected = ScaleFit.Fit(V2TestData.Model.DefaultCalibration, all).Serialize();
        Assert.Equal(expected, ScaleFit.Fit(V2TestData.Model.DefaultCalibration, firstThenSecond).Serialize());
        Assert.Equal(expected, ScaleFit.Fit(V2TestData.Model.DefaultCalibration, secondThenFirst).Serialize());
    }

    [Fact]
    public void ShouldBlendANightIntoTheScalesAndKnotsSlowly()
    {
        var population = SyntheticPopulation.Create(new SyntheticOptions(2_000, Seed: 6));
        var first = V2TestData.FittedTo(population, night: 0);
        var summary = new ScaleSummary();
        foreach (var user in population.Users)
        {
            // A night on which everybody received twice as much.
            V2TestData.Model.Score(user.With(engagementScale: 2).InputForNight(1, null), population, first, summary);
        }

        var steady = new Calibration("v2", first.Knots, 40, first.Shape, first.Scales);
        var next = ScaleFit.Trailing(steady, summary);
        var refit = ScaleFit.Fit(V2TestData.Model.DefaultCalibration, summary);
        Assert.Equal(41, next.SampleNights);
        var before = first.Scales!.Fitted("twitter", V2Signal.ReactionsPerPost)!;
        var after = next.Scales!.Fitted("twitter", V2Signal.ReactionsPerPost)!;
        var target = refit.Scales!.Fitted("twitter", V2Signal.ReactionsPerPost)!;
        for (var i = 0; i < SignalScale.KnotCount; i++)
        {
            Assert.Equal(before.Knots[i] + (Calibration.SteadyBlendWeight * (target.Knots[i] - before.Knots[i])), after.Knots[i], 9);
        }

        // A user who did not change moves by a fraction of a point on the blended scales.
        var input = population.Users[0].InputForNight(0, null);
        var moved = Math.Abs(next.Position(V2TestData.Model.Score(input, population, next).RawIndex) - first.Position(V2TestData.Model.Score(input, population, first).RawIndex));
        Assert.True(moved < 1, $"moved {moved:0.00} points in one night");
    }

    [Fact]
    public void ShouldMapSignalsContinuouslyThroughTiesAndWithoutCeiling()
    {
        // 40% of the population at zero, the rest log-normal.
        var random = new Random(8);
        var values = Enumerable.Range(0, 20_000).Select(i => i % 5 < 2 ? 0 : Math.Exp(1 + Gaussian(random))).ToList();
        var inputs = values.Select((v, i) => Input($"u{i}", [V2TestData.Steady("mastodon", posts: 1, reshares: v)])).ToList();
        var scale = V2TestData.FittedTo(inputs, new PopulationTable(0)).Scales!.Fitted("mastodon", V2Signal.ResharesPerPost)!;

        Assert.InRange(scale.Map(0), -0.9, -0.78); // the middle of the bottom 40%: Φ⁻¹(0.2) = -0.84
        Assert.True(scale.Map(0.01) - scale.Map(0) < 0.05, "the first reshare moves a little, not over the whole tie");
        var previous = double.NegativeInfinity;
        for (var x = 0.001; x < 1e12; x *= 3)
        {
            var z = scale.Map(x);
            Assert.True(z > previous, $"not rising at {x}");
            Assert.InRange(scale.ValueAt(z), x * 0.999, x * 1.001);
            previous = z;
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
