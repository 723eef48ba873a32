using InfluenceFunctions.Scoring;
using static InfluenceFunctions.UnitTests.Scoring.ScoringTestData;

namespace InfluenceFunctions.UnitTests.Scoring;

/// <summary>Issue 12, requirement 7: switching from v1 to v2 without a shock.</summary>
public class ModelSwitchV2Tests
{
    [Fact]
    public void ShouldMoveTheMedianUserAtMostThreePointsAtTheSwitchAndTellWhoeverMovesWhy()
    {
        // Nights with v1 live and v2 in shadow, as the nightly run does them: v1 refits from its raw sample, v2 from its
        // scale summary with its knots following v1's scores (ScaleFit.Trailing with the live percentiles). Then the
        // switch night: v2 live, yesterday the v1 result.
        var population = SyntheticPopulation.Create(new SyntheticOptions(2_000, Seed: 77, Networks: 3));
        var v1 = new ScoreModelV1();
        var v2 = new ScoreModelV2();
        var v1Calibration = v1.DefaultCalibration;
        var v2Calibration = v2.DefaultCalibration;
        var pureV2 = v2.DefaultCalibration; // the same nights fitted to v2's own shape, for comparison
        var yesterday = new PreviousScore?[population.Users.Count];
        const int ShadowNights = 5;
        for (var night = 0; night < ShadowNights; night++)
        {
            var raws = new List<double>();
            var summary = new ScaleSummary();
            var live = new long[Calibration.Points];
            for (var i = 0; i < population.Users.Count; i++)
            {
                var input = population.Users[i].InputForNight(night, yesterday[i]);
                var result = v1.Score(input, population, v1Calibration);
                v2.Score(input with { Yesterday = null }, population, v2Calibration, summary);
                if (result.Score is int score)
                {
                    raws.Add(result.RawIndex);
                    live[score - 1]++;
                }

                yesterday[i] = result.ToPreviousScore(input.AsOf);
            }

            v1Calibration = Calibration.Trailing(v1Calibration, raws);
            v2Calibration = ScaleFit.Trailing(v2Calibration, summary, Calibration.PercentilesMatching(live));
            pureV2 = ScaleFit.Trailing(pureV2, summary);
        }

        var changes = new List<double>();
        var pureChanges = new List<double>();
        for (var i = 0; i < population.Users.Count; i++)
        {
            var input = population.Users[i].InputForNight(ShadowNights, yesterday[i]);
            var result = v2.Score(input, population, v2Calibration);
            if (yesterday[i] is not { Score: int before } || result.Score is not int after)
            {
                continue;
            }

            changes.Add(Math.Abs(after - before));
            pureChanges.Add(Math.Abs(v2.Score(input, population, pureV2).Score!.Value - before));
            if (after != before)
            {
                var move = Assert.Single(result.Moves);
                Assert.Equal(("model.version", "the score model changed from v1 to v2", (double)(after - before)), (move.Driver, move.Description, move.Points));
            }
            else
            {
                Assert.Empty(result.Moves);
            }
        }

        Assert.True(changes.Count > 1_900, $"{changes.Count} users scored by both");
        var median = Percentile(changes, 0.5);
        Assert.True(median <= ShadowDiffReport.SmallMove, $"median move at the switch: {median} (on v2's own shape: {Percentile(pureChanges, 0.5)})");
        Assert.True(changes.Average() <= pureChanges.Average(), $"matched {changes.Average():F2}, own shape {pureChanges.Average():F2}");
    }

    [Fact]
    public void ShouldFitKnotsThatPutTheSampleOnTheLiveDistribution()
    {
        var population = SyntheticPopulation.Create(new SyntheticOptions(1_000, Seed: 5, Networks: 2));
        var summary = new ScaleSummary();
        var v2 = new ScoreModelV2();
        var inputs = population.Users.Select(u => u.InputForNight(0, null)).ToList();
        foreach (var input in inputs)
        {
            v2.Score(input, population, v2.DefaultCalibration, summary);
        }

        // A live distribution far from v2's shape: everybody between 40 and 60, evenly.
        var live = new long[Calibration.Points];
        for (var s = 40; s <= 60; s++)
        {
            live[s - 1] = 10;
        }

        var matched = ScaleFit.Fit(v2.DefaultCalibration, summary);
        matched = ScaleFit.Blend(matched, summary, 1, Calibration.PercentilesMatching(live));
        var scores = inputs.Select(i => v2.Score(i, population, matched).Score).OfType<int>().Select(s => (double)s).ToList();
        Assert.InRange(Percentile(scores, 0.05), 39, 42);
        Assert.InRange(Percentile(scores, 0.5), 48, 52);
        Assert.InRange(Percentile(scores, 0.95), 58, 61);
        Assert.Equal(CalibrationShape.V2, matched.Shape); // the shape it trails towards once live
    }

    [Fact]
    public void ShouldGiveEachScoreTheShareOfLiveScoresBelowIt()
    {
        var histogram = new long[Calibration.Points];
        histogram[9] = 1; // one at 10
        histogram[19] = 3; // three at 20
        var percentiles = Calibration.PercentilesMatching(histogram);
        Assert.Equal(0, percentiles[0]);
        Assert.Equal(0, percentiles[9]); // nobody below 10
        Assert.Equal(0.25, percentiles[10]); // one of four below 11
        Assert.Equal(0.25, percentiles[19]);
        Assert.Equal(1, percentiles[20]);
        Assert.Equal(1, percentiles[99]);
    }

    [Fact]
    public void ShouldKeepATiedShareAtTheScoreTheLiveModelHoldsItAt()
    {
        // 1,000 people: 50 low, 600 tied at one raw index (nobody engaged with them), 350 above. The live model holds the
        // tie at 17; matched on the live percentiles, scores 11-17 all start inside the tie. The tie's people keep 17
        // (the score its middle person holds), not 14 (the middle of the score numbers 11-17).
        var sample = Enumerable.Range(0, 50).Select(i => 0.01 + (i * 0.01))
            .Concat(Enumerable.Repeat(1.0, 600))
            .Concat(Enumerable.Range(0, 350).Select(i => 1.5 + (i * 0.025)))
            .ToArray();
        var histogram = new long[Calibration.Points];
        histogram[9] = 50;
        histogram[16] = 600;
        for (var i = 0; i < 350; i++)
        {
            histogram[29 + (i % 51)]++;
        }

        var knots = Calibration.KnotsMatching(sample, sample.Reverse().Take(64).ToArray(), sample.Length, Calibration.PercentilesMatching(histogram));
        var matched = new Calibration("v2", knots, 1);

        Assert.Equal(17, matched.Map(1.0));
        Assert.True(knots.Zip(knots.Skip(1)).All(pair => pair.First <= pair.Second), "knots stay monotone");
        Assert.InRange(matched.Map(0.3), 1, 10); // the untied people below keep their place
        Assert.InRange(matched.Map(5.0), 30, 80); // and those above
    }
}
