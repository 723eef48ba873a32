using static InfluenceFunctions.UnitTests.Scoring.ScoringTestData;
using InfluenceFunctions.Api;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.UnitTests.Scoring;

public class ShadowAndRegistryTests
{
    [Fact]
    public void ShouldSummariseLiveAgainstShadow()
    {
        var pairs = new List<ShadowPair>();
        for (var i = 1; i <= 100; i++)
        {
            pairs.Add(new ShadowPair($"u{i:000}", Result("v1", i), Result("v2", Math.Min(i + 2, 100))));
        }

        pairs.Add(new ShadowPair("jumper", Result("v1", 10), Result("v2", 40)));
        pairs.Add(new ShadowPair("faller", Result("v1", 90), Result("v2", 60)));
        pairs.Add(new ShadowPair("newcomer", Result("v1", null), Result("v2", 15)));
        pairs.Add(new ShadowPair("leaver", Result("v1", 33), Result("v2", null)));
        pairs.Add(new ShadowPair("nobody", Result("v1", null), Result("v2", null)));

        var report = ShadowDiffReport.Build(pairs, topMovers: 3);

        Assert.Equal("v1", report.LiveVersion);
        Assert.Equal("v2", report.ShadowVersion);
        Assert.Equal(105, report.Users);
        Assert.Equal(102, report.ScoredByBoth);
        Assert.Equal(103, report.Live.Scored);
        Assert.Equal(2, report.Live.Unscored);
        Assert.Equal(1, report.BecameScored);
        Assert.Equal(1, report.BecameUnscored);

        // Live: 1..100 plus 10, 90, 33.
        Assert.Equal((5050 + 10 + 90 + 33) / 103.0, report.Live.Mean, 9);
        Assert.Equal(50, report.Live.P50);
        Assert.Equal(90, report.Live.P90);
        Assert.Equal(99, report.Live.P99);
        Assert.Equal(21 / 103.0, report.Live.ShareAbove80, 9); // 81..100 and the faller's 90
        Assert.Equal(2, report.Live.Histogram[9]); // two users at 10

        // Changes over the 102 scored by both: +2 for 98 users, +1 for 99, 0 for 100, +30 and -30.
        Assert.Equal(((98 * 2) + 1 + 0 + 30 - 30) / 102.0, report.MeanChange, 9);
        Assert.Equal(((98 * 2) + 1 + 0 + 30 + 30) / 102.0, report.MeanAbsoluteChange, 9);
        Assert.Equal(30, report.P99AbsoluteChange);
        Assert.Equal(2, report.MedianChange);
        Assert.Equal(2, report.MedianAbsoluteChange);
        Assert.Equal(2 / 102.0, report.ShareMovingMoreThanSmallMove, 9); // the jumper and the faller

        Assert.Equal(3, report.BiggestMovers.Count);
        Assert.Equal(["faller", "jumper"], report.BiggestMovers.Take(2).Select(m => m.UserId).Order());
        Assert.Equal(30, Math.Abs(report.BiggestMovers[0].Change));
        Assert.Equal(2, Math.Abs(report.BiggestMovers[2].Change));
        Assert.Equal(-30, report.BiggestMovers.Single(m => m.UserId == "faller").Change);
    }

    [Fact]
    public void ShouldBuildAnEmptyReport()
    {
        var report = ShadowDiffReport.Build([]);
        Assert.Equal(0, report.Users);
        Assert.Equal(0, report.Live.Mean);
        Assert.Empty(report.BiggestMovers);
    }

    [Fact]
    public void ShouldFindModelsByVersion()
    {
        var models = ScoreModels.Default;
        var live = models.Get(ScoreModels.DefaultLiveVersion);
        Assert.Equal("v2", live.Version);
        Assert.Same(live, models.Get("V2"));
        Assert.True(models.TryGet("v1", out var model));
        Assert.IsType<ScoreModelV1>(model); // v1 stays registered: its stored rows still render
        Assert.False(models.TryGet("v9", out _));
        var error = Assert.Throws<KeyNotFoundException>(() => models.Get("v9"));
        Assert.Contains("v1", error.Message, StringComparison.Ordinal);
        Assert.Contains(live, ScoreModels.BuiltIn);

        // One registry, one setting: the nightly run's default live version is the registry's.
        Assert.Equal(ScoreModels.DefaultLiveVersion, new InfluenceFunctions.Storage.InfluenceOptions().LiveModelVersion);
    }

    [Fact]
    public void ShouldLookUpThePopulationTable()
    {
        var table = new PopulationTable(1_000);
        for (var i = 0; i < 1_000; i++)
        {
            table.Set(UserKeys.Of($"user{i}"), new PopulationEntry((byte)((i % 100) + 1), i % 7 == 0 ? PopulationFlags.New : PopulationFlags.None));
        }

        table.Set(UserKeys.Of("user5"), new PopulationEntry(77, PopulationFlags.None));
        Assert.Equal(1_000, table.Count);
        Assert.True(table.TryGet(UserKeys.Of("user5"), out var replaced));
        Assert.Equal(new PopulationEntry(77, PopulationFlags.None), replaced);
        Assert.True(table.TryGet(UserKeys.Of("user14"), out var flagged));
        Assert.Equal(new PopulationEntry(15, PopulationFlags.New), flagged);
        Assert.False(table.TryGet(UserKeys.Of("stranger"), out _));
        Assert.Throws<InvalidOperationException>(() =>
        {
            var small = new PopulationTable(1);
            for (var i = 0; i < 100; i++)
            {
                small.Set((ulong)i, default);
            }
        });
    }

    private static ScoreResult Result(string version, int? score) => new(
        version,
        score is null ? ScoreStatus.Unscored : ScoreStatus.Scored,
        score is null ? "too little data" : null,
        score,
        0,
        0,
        0,
        0,
        1,
        new Dictionary<string, double>(),
        []);

    [Fact]
    public void ShouldScoreSyntheticUsersWithTheLiveModel()
    {
        var population = SyntheticPopulation.Create(new SyntheticOptions(20, Seed: 61, Networks: 3));
        foreach (var input in population.InputsForNight(0))
        {
            var result = ScoreModels.Default.Get(ScoreModels.DefaultLiveVersion).Score(input, population, ScoreModels.Default.Get(ScoreModels.DefaultLiveVersion).DefaultCalibration);
            Assert.Equal("v2", result.ModelVersion);
            Assert.Equal(3, input.Networks.Count);
            var v2 = new ScoreModelV2();
            Assert.Equal(v2.Score(input, population, v2.DefaultCalibration).Score, result.Score);
        }
    }
}
