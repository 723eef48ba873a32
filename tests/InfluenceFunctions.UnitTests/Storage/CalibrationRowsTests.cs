using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage.Runs;

namespace InfluenceFunctions.UnitTests.Storage;

public class CalibrationRowsTests
{
    [Fact]
    public void ShouldStoreAV2CalibrationOfElevenNetworksInOneRowUnderTheTableLimits()
    {
        var population = SyntheticPopulation.Create(new SyntheticOptions(3_000, Seed: 11, Networks: 11));
        var summary = new ScaleSummary();
        var model = new ScoreModelV2();
        foreach (var user in population.Users)
        {
            model.Score(user.InputForNight(0, null), population, model.DefaultCalibration, summary);
        }

        var calibration = ScaleFit.Fit(model.DefaultCalibration, summary);
        var text = calibration.Serialize();
        Assert.True(text.Length > 32_000, $"{text.Length} characters: more than a string property holds");

        var row = CalibrationRows.ToEntity(calibration, new DateOnly(2026, 11, 27));
        Assert.True(row.GetString(CalibrationRows.KnotsColumn).Length < 4_000);
        var columns = row.Keys.Where(k => k.StartsWith(CalibrationRows.ScalesColumn, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(columns);
        Assert.All(columns, c => Assert.True(row.GetBinary(c).Length <= 64 * 1024));
        Assert.Equal(text, CalibrationRows.Read(row).Serialize());

        // A v1 calibration is the knots line alone, as before.
        var v1 = new ScoreModelV1().DefaultCalibration;
        var v1Row = CalibrationRows.ToEntity(v1, new DateOnly(2026, 11, 27));
        Assert.Equal(v1.Serialize(), v1Row.GetString(CalibrationRows.KnotsColumn));
        Assert.Equal(v1.Serialize(), CalibrationRows.Read(v1Row).Serialize());
    }

    [Fact]
    public void ShouldHandAShardsScaleSummaryOverInARowAndMergeItBack()
    {
        var population = SyntheticPopulation.Create(new SyntheticOptions(2_000, Seed: 12, Networks: 3));
        var model = new ScoreModelV2();
        var shards = Enumerable.Range(0, 4).Select(_ => ScaleSummaryRows.ForShard(4)).ToArray();
        var whole = new ScaleSummary();
        for (var i = 0; i < population.Users.Count; i++)
        {
            var input = population.Users[i].InputForNight(0, null);
            model.Score(input, population, model.DefaultCalibration, shards[i % 4]);
            model.Score(input, population, model.DefaultCalibration, whole);
        }

        var merged = new ScaleSummary();
        foreach (var (shard, index) in shards.Select((s, i) => (s, i)))
        {
            var row = ScaleSummaryRows.ToEntity("v2", new DateOnly(2026, 11, 27), index.ToString(System.Globalization.CultureInfo.InvariantCulture), shard);
            Assert.Equal("v2|20261127", row.PartitionKey);
            merged.Merge(ScaleSummaryRows.Read(row));
        }

        // Merged from the rows, the night refits to what one summary over every user gives.
        Assert.Equal(whole.Users, merged.Users);
        Assert.Equal(
            ScaleFit.Fit(model.DefaultCalibration, whole).Serialize(),
            ScaleFit.Fit(model.DefaultCalibration, merged).Serialize());
    }
}
