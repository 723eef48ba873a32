using System.Text.Json;
using System.Xml.Linq;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.UnitTests.Scoring;

namespace InfluenceFunctions.UnitTests.Partner;

/// <summary>
/// Model v2 reports a component nothing was measured for as NaN (absent, not zero). JSON and a table cannot carry that,
/// so the score row holds null, and every view says null or "not measured": never 0, never NaN, never an error.
/// </summary>
public sealed class AbsentComponentTests
{
    private static readonly DateOnly Night = ScoringTestData.AsOf;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void ShouldStoreAComponentNothingWasMeasuredForAsNullAndReadItBackAsAbsent()
    {
        var result = YouTubeOnlyResult();
        Assert.True(double.IsNaN(result.Amplification) && double.IsNaN(result.Network), "the model's own answer: absent");

        var row = new ScoreEntity("0001", "vlogger");
        ScoreRows.Apply(row, Night, "r1", result);

        Assert.NotNull(row.Reach);
        Assert.Null(row.Amplification);
        Assert.Null(row.Network);
        Assert.True(double.IsNaN(ScoreRows.ToResult(row).Amplification), "back to the model's NaN, not 0");
        var yesterday = ScoreRows.YesterdayFor(row, Night.AddDays(1))!;
        Assert.True(double.IsNaN(yesterday.Network));
        Assert.Equal(row.Reach, yesterday.Reach);

        ScoreRows.Apply(row, Night.AddDays(1), "r2", result);
        Assert.Null(row.PrevAmplification); // The previous night keeps its absence too.
    }

    [Fact]
    public void ShouldTreatAStoredNaNAsNotMeasured()
    {
        // A shadow row written before components were nullable may hold the model's NaN as a double.
        var row = new ScoreEntity("0001", "old") { Reach = double.NaN, Amplification = 12.5, Network = double.PositiveInfinity };
        Assert.Equal((null, 12.5, null), (row.Reach, row.Amplification, row.Network));
    }

    [Fact]
    public void ShouldSendAnAbsentComponentAsNullInTheScoreView()
    {
        var row = new ScoreEntity("0001", "vlogger");
        ScoreRows.Apply(row, Night, "r1", YouTubeOnlyResult());
        var view = ScoreViews.Of(new ScoreLookup("vlogger", row, false, DateTimeOffset.MaxValue), DateTimeOffset.UnixEpoch);

        var components = JsonSerializer.SerializeToElement(view, new JsonSerializerOptions(JsonSerializerDefaults.Web)).GetProperty("components");
        Assert.Equal(JsonValueKind.Number, components.GetProperty("reach").ValueKind);
        Assert.Equal(JsonValueKind.Null, components.GetProperty("amplification").ValueKind);
        Assert.Equal(JsonValueKind.Null, components.GetProperty("network").ValueKind);
        Assert.Equal(Math.Round(row.Reach!.Value, 1), components.GetProperty("reach").GetDouble());
    }

    [Fact]
    public void ShouldSayNotMeasuredOnTheCardInsteadOfDrawingABar()
    {
        var card = new ScoreCardData("vlogger", 64, null, new ComponentsView(71.4, null, null), Night, "v2", null, [], []);
        var rendered = ScoreCard.Render(card);
        var texts = XDocument.Parse(rendered).Descendants(Svg + "text").Select(t => t.Value).ToList();

        Assert.Contains("71", texts);
        Assert.Equal(2, texts.Count(t => t == ScoreCard.NotMeasured));
        Assert.DoesNotContain("NaN", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain("#818cf8", rendered, StringComparison.Ordinal); // No Amplification bar, not even an empty one at 0.
        Assert.DoesNotContain("#c084fc", rendered, StringComparison.Ordinal); // No Network bar.
        Assert.Contains("#38bdf8", rendered, StringComparison.Ordinal);
    }

    /// <summary>A YouTube channel scored by v2: views, reactions and subscribers, no replies reported, nobody named engaging.</summary>
    private static ScoreResult YouTubeOnlyResult()
    {
        var youtube = V2TestData.Steady("youtube", reshares: double.NaN, replies: double.NaN, mentions: double.NaN, engagers: double.NaN, lists: double.NaN, views: 8_000);
        var input = new ScoringInput("vlogger", UserKeys.Of("vlogger"), Night, [youtube], [], [], null);
        return V2TestData.Score(input, V2TestData.Model.DefaultCalibration);
    }
}
