using InfluenceFunctions.Evaluation;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.UnitTests.Evaluation;

/// <summary>The evaluation harness measures what it says, and on its synthetic benchmark v2 beats v1 and the three baselines.</summary>
public class EvaluationHarnessTests
{
    [Fact]
    public void ShouldMeasureRankAgreementWithTiesSharedOut()
    {
        var truth = Enumerable.Range(0, 1_000).Select(i => (double)i).ToList();
        Assert.Equal(1, RankMetrics.Agreement(truth, truth).Spearman, 9);
        Assert.Equal(-1, RankMetrics.Agreement(truth.Select(t => -t).ToList(), truth).Spearman, 9);
        Assert.Equal(1, RankMetrics.Agreement(truth, truth).TopPrecision, 9);

        // Everybody tied: the top 1% is a lottery, precision 1%, one distinct value, all tied.
        var flat = RankMetrics.Agreement(truth.Select(_ => 7.0).ToList(), truth);
        Assert.Equal(0.01, flat.TopPrecision, 9);
        Assert.Equal(1, flat.TopDistinct);
        Assert.Equal(1, flat.TopTied);

        // The true top 10: five sure at 100, five tied at 50 with ten others for the last five places (a third each).
        var predicted = truth.Select(t => t >= 995 ? 100.0 : t >= 990 ? 50.0 : t < 10 ? 50.0 : 0.0).ToList();
        var agreement = RankMetrics.Agreement(predicted, truth);
        Assert.Equal((5 + (5 * 5.0 / 15)) / 10, agreement.TopPrecision, 9);
        Assert.Equal([1.5, 1.5, 3], RankMetrics.Ranks([2.0, 2.0, 5.0]));
    }

    [Fact]
    public void ShouldFindV2AheadOfV1AndOfEveryBaselineOnTheSyntheticBenchmark()
    {
        var result = SyntheticBenchmark.Run(new LatentWorldOptions(People: 6_000, Seed: 21), nights: 2);
        var byName = result.Rankings.ToDictionary(r => r.Name);
        var v2 = byName["v2 score"];
        foreach (var other in result.Rankings.Where(r => r != v2))
        {
            Assert.True(v2.Overall.Spearman > other.Overall.Spearman, $"Spearman: v2 {v2.Overall.Spearman:0.000} vs {other.Name} {other.Overall.Spearman:0.000}");
            Assert.True(v2.Overall.TopPrecision > other.Overall.TopPrecision, $"top 1%: v2 {v2.Overall.TopPrecision:0.000} vs {other.Name} {other.Overall.TopPrecision:0.000}");
        }

        foreach (var (network, agreement) in v2.PerNetwork)
        {
            foreach (var baseline in Baselines.Names)
            {
                Assert.True(agreement.Spearman > byName[baseline].PerNetwork[network].Spearman, $"{network}: v2 {agreement.Spearman:0.000} vs {baseline} {byName[baseline].PerNetwork[network].Spearman:0.000}");
            }
        }

        // A bought audience is not lifted the way ranking by followers lifts it.
        Assert.True(v2.PathologyShift[Pathology.FakeFollowers] < byName["followers alone"].PathologyShift[Pathology.FakeFollowers] - 15);
        Assert.True(v2.Overall.TopDistinct > byName["v1 score"].Overall.TopDistinct, "v2 keeps more of the top apart than v1");
    }

    [Fact]
    public void ShouldReplayNightsWithEachModelsOwnFeedbackAndRefit()
    {
        var world = LatentWorld.Create(new LatentWorldOptions(People: 1_500, Seed: 3));
        var replay = new NightlyReplay([ScoreModels.Default.Get("v1"), ScoreModels.Default.Get("v2")], world.People.Count, establishedFromStart: true);
        replay.RunNight(i => world.InputFor(world.People[i], 0));
        replay.RunNight(i => world.InputFor(world.People[i], 1));

        Assert.Equal(2, replay.Nights);
        foreach (var run in replay.Runs)
        {
            Assert.Equal(2, run.Calibration.SampleNights); // refitted after each night
            Assert.All(run.Current, r => Assert.Equal(run.Model.Version, r!.ModelVersion));
            Assert.Contains(run.Current, r => r!.Drivers.ContainsKey(ScoreDrivers.EngagerWeight)); // engagers weighed by the night before
            Assert.True(run.DailyChanges().Count() > 1_000);
        }

        Assert.NotNull(replay.Runs[1].Calibration.Scales);
        Assert.True(replay.Runs[1].Calibration.Scales!.UsersOf("instagram") > 0);
    }
}
