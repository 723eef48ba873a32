using InfluenceFunctions.Api;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Workflows.Nightly;

namespace InfluenceFunctions.UnitTests.Core;

public sealed class ScoreRowsTests
{
    private static readonly DateOnly Night = new(2026, 11, 27);

    [Fact]
    public void ShouldReadTheSameYesterdayWhenANightIsScoredAgain()
    {
        var row = new ScoreEntity("0001", "alice");
        ScoreRows.Apply(row, Night.AddDays(-1), "r1", Result(40));
        var yesterdayBeforeFirstRun = ScoreRows.YesterdayFor(row, Night);

        ScoreRows.Apply(row, Night, "r2", Result(42));
        var yesterdayOnRerun = ScoreRows.YesterdayFor(row, Night);

        Assert.Equal(40, yesterdayBeforeFirstRun!.Score);
        Assert.Equal(40, yesterdayOnRerun!.Score);
        Assert.Equal(Night.AddDays(-1), yesterdayOnRerun.Day);
        Assert.Equal(2.0, yesterdayOnRerun.Drivers["twitter.posts"]);

        ScoreRows.Apply(row, Night, "r2", Result(42));
        Assert.Equal(40, row.PrevScore);
        Assert.Equal(42, row.Score);
        Assert.Equal(40, ScoreHistory.Get(row.History, Night.AddDays(-1)));
        Assert.Equal(42, ScoreHistory.Get(row.History, Night));
    }

    [Fact]
    public void ShouldStoreUnscoredAsUnscoredNotZero()
    {
        var row = new ScoreEntity("0001", "bob");
        ScoreRows.Apply(row, Night, "r1", new ScoreResult("v1", ScoreStatus.Unscored, "too little data", null, 0, 0, 0, 0, 0, new Dictionary<string, double>(), []));
        Assert.Null(row.Score);
        Assert.Equal("unscored", row.Status);
        Assert.Equal(ScoreHistory.Unscored, ScoreHistory.Get(row.History, Night));
        Assert.Null(ScoreRows.YesterdayFor(row, Night));
    }

    private static ScoreResult Result(int score) => new(
        "v1", ScoreStatus.Scored, null, score, score / 10.0, 50, 40, 30, 3,
        new Dictionary<string, double> { ["twitter.posts"] = 2 },
        [new ScoreMove("twitter.posts", "posts on twitter rose", 1.5)]);
}
