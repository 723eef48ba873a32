using static InfluenceFunctions.UnitTests.Scoring.ScoringTestData;
using InfluenceFunctions.Api;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.UnitTests.Scoring;

public class AggregateCsvTests
{
    [Fact]
    public void ShouldReadColumnsInAnyOrderIgnoringExtrasAndTreatingMissingAsUnknown()
    {
        const string csv = "Posts,notes,user_id,reshares_received,followers\n90,hello,alice,45.5,1200\n9,,bob,,\n";
        var rows = AggregateCsv.Read(new StringReader(csv)).ToList();

        Assert.Equal(2, rows.Count);
        var alice = rows[0];
        Assert.Equal("alice", alice.UserId);
        Assert.Equal(2, alice.Line);
        Assert.Equal(90, alice.Signals.Posts);
        Assert.Equal(45.5, alice.Signals.ResharesReceived);
        Assert.Equal(1200, alice.Signals.Followers);
        Assert.True(double.IsNaN(alice.Signals.ReactionsReceived)); // no column: unknown, not zero
        Assert.True(double.IsNaN(rows[1].Signals.ResharesReceived)); // empty cell: unknown

        var window = alice.Signals.ToInput("alice", AsOf).Networks.Single();
        Assert.Equal(AggregateSignals.NetworkName, window.Network);
        Assert.Equal(1f, window[ScoringWindow.Days - 1, SignalKind.Posts], 5);
        Assert.Equal(45.5f / 90, window[0, SignalKind.Reshares], 5);
        Assert.Equal(1200f, window[40, SignalKind.AudienceSize]);
        Assert.True(float.IsNaN(window[40, SignalKind.Reactions]));
    }

    [Fact]
    public void ShouldKeepUnknownAndZeroApart()
    {
        var unknown = Model.Score(new AggregateSignals { Followers = 500, Posts = 30 }.ToInput("u", AsOf), new PopulationTable(0), DefaultCalibration);
        var zero = Model.Score(new AggregateSignals { Followers = 500, Posts = 30, ReactionsReceived = 0 }.ToInput("u", AsOf), new PopulationTable(0), DefaultCalibration);
        Assert.DoesNotContain("aggregate.reactions_per_day", unknown.Drivers.Keys);
        Assert.Equal(0, zero.Drivers["aggregate.reactions_per_day"]);

        var nothingKnown = Model.Score(new AggregateSignals().ToInput("u", AsOf), new PopulationTable(0), DefaultCalibration);
        var allZero = Model.Score(new AggregateSignals { Posts = 0, ReactionsReceived = 0, ResharesReceived = 0 }.ToInput("u", AsOf), new PopulationTable(0), DefaultCalibration);
        Assert.Contains("no connected network", nothingKnown.UnscoredReason, StringComparison.Ordinal);
        Assert.Contains("no posts and no engagement", allZero.UnscoredReason, StringComparison.Ordinal);
    }

    [Fact]
    public void ShouldNameTheLineAndColumnOfABadNumber()
    {
        const string csv = "user_id,posts,reshares_received\nalice,3,4\nbob,2,lots\n";
        var error = Assert.Throws<AggregateCsvException>(() => AggregateCsv.Read(new StringReader(csv)).ToList());
        Assert.Equal(3, error.Line);
        Assert.Equal("reshares_received", error.Column);
        Assert.Equal("line 3, column reshares_received: 'lots' is not a number", error.Message);

        var negative = Assert.Throws<AggregateCsvException>(() => AggregateCsv.Read(new StringReader("user_id,posts\nx,-1\n")).ToList());
        Assert.Equal("posts", negative.Column);
        Assert.Contains("negative", negative.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShouldRejectAFileWithoutUserIdOrWithRaggedRows()
    {
        var noId = Assert.Throws<AggregateCsvException>(() => AggregateCsv.Read(new StringReader("name,posts\nalice,3\n")).ToList());
        Assert.Equal(1, noId.Line);
        Assert.Contains("user_id", noId.Message, StringComparison.Ordinal);

        var ragged = Assert.Throws<AggregateCsvException>(() => AggregateCsv.Read(new StringReader("user_id,posts\nalice,3\nbob\n")).ToList());
        Assert.Equal(3, ragged.Line);

        var emptyId = Assert.Throws<AggregateCsvException>(() => AggregateCsv.Read(new StringReader("user_id,posts\n ,3\n")).ToList());
        Assert.Equal("user_id", emptyId.Column);

        Assert.Throws<AggregateCsvException>(() => AggregateCsv.Read(new StringReader(string.Empty)).ToList());
    }

    [Fact]
    public void ShouldReadQuotedFieldsAndCountLinesAcrossThem()
    {
        const string csv = "user_id,posts,bio\r\n\"smith, j\",3,\"says \"\"hi\"\"\nand more\"\r\n\"o'neil\",x,\n";
        var error = Assert.Throws<AggregateCsvException>(() => AggregateCsv.Read(new StringReader(csv)).ToList());
        Assert.Equal(4, error.Line); // the quoted line break in row one pushes row two to line 4

        var rows = AggregateCsv.Read(new StringReader("user_id,posts\r\n\"smith, j\",3\r\n")).ToList();
        Assert.Equal("smith, j", Assert.Single(rows).UserId);
    }

    [Fact]
    public void ShouldWriteScoresAndQuoteWhatNeedsIt()
    {
        const string csv = "user_id,followers,posts,reactions_received,reshares_received,replies_received,mentions_received\n" +
            "\"star, the\",250000,400,90000,12000,3000,900\n" +
            "quiet,10,0,0,0,0,0\n";
        var output = new StringWriter();
        var users = AggregateCsv.Score(new StringReader(csv), output, Model, DefaultCalibration, AsOf);

        Assert.Equal(2, users);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(AggregateCsv.OutputHeader, lines[0]);
        var star = lines[1].Split(',');
        Assert.Equal("\"star", star[0]);
        Assert.Equal(" the\"", star[1]);
        Assert.InRange(int.Parse(star[2], System.Globalization.CultureInfo.InvariantCulture), 50, 100);
        Assert.Equal("scored", star[6]);
        Assert.Equal("quiet,,,,,unscored: no posts and no engagement received in the last 90 days", lines[2]);
    }

    [Fact]
    public void ShouldScoreTheSameAsTheNightlyModelForTheSameSignals()
    {
        var signals = new AggregateSignals { Followers = 800, Posts = 45, ReactionsReceived = 900, ResharesReceived = 90, RepliesReceived = 30 };
        var output = new StringWriter();
        AggregateCsv.Score(new StringReader("user_id,followers,posts,reactions_received,reshares_received,replies_received\nu,800,45,900,90,30\n"), output, Model, DefaultCalibration, AsOf);
        var direct = Model.Score(signals.ToInput("u", AsOf), new PopulationTable(0), DefaultCalibration);
        Assert.StartsWith($"u,{direct.Score},", output.ToString().Split('\n')[1], StringComparison.Ordinal);
    }
}
