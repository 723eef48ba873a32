using System.Net;
using System.Text.Json;
using InfluenceFunctions.Workflows.Nightly;
using Microsoft.Extensions.DependencyInjection;
using InfluenceFunctions.Api;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.IntegrationTests;

[Collection(AzuriteCollection.Name)]
public sealed class ShadowModelTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Night = new(2026, 11, 27);

    [Fact]
    public async Task ShouldRunAShadowVersionBesideTheLiveOneAndReportTheDiffWithoutTouchingLiveScores()
    {
        // The shadow is v1 shifted up, so live is v1 here (the default live model is v2).
        var settings = new Dictionary<string, string?> { ["Influence:LiveModelVersion"] = "v1", ["Influence:ShadowModelVersion"] = "v1-plus5" };
        await using var host = await TestHost.StartAsync(azurite, new DateTimeOffset(2026, 11, 28, 3, 0, 0, TimeSpan.Zero), settings, services =>
            services.AddSingleton<IScoreModel>(new ShiftedModel(ScoreModels.Default.Get("v1"), "v1-plus5", 5)));
        await host.PutMembersBatchAsync("seed", SmallPopulation.Batch(20, Night, 30));

        var summary = await host.RunNightAsync(Night);
        Assert.Equal("v1-plus5", summary.ShadowModelVersion);

        var live = await host.GetJsonAsync("/api/v1/users/u005/score");
        Assert.Equal("v1", live.GetProperty("modelVersion").GetString());

        var report = (await host.GetJsonAsync($"/api/v1/manage/models/v1-plus5/shadow-report?code={TestHost.AdminKey}")).GetProperty("report");
        Assert.Equal("v1", report.GetProperty("liveVersion").GetString());
        Assert.Equal(20, report.GetProperty("scoredByBoth").GetInt32());
        Assert.True(report.GetProperty("meanChange").GetDouble() > 0, "the shadow adds points, so the mean change is positive");
        Assert.NotEmpty(report.GetProperty("biggestMovers").EnumerateArray());

        using var unknown = await host.Http.GetAsync($"/api/v1/manage/models/v9/shadow-report?code={TestHost.AdminKey}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // The report is merged from what the shards handed on, without reading a score back; it must be the report a
        // scan of both score tables makes (every user both versions scored or left unscored that night).
        var stored = (await host.Services.GetRequiredService<NightlyRunService>().LatestShadowReportAsync("v1-plus5", CancellationToken.None))!.Value;
        Assert.Equal(Night, stored.Day);
        var shadowRows = new Dictionary<string, ScoreEntity>(StringComparer.Ordinal);
        await foreach (var row in host.Tables.ShadowScores.QueryAsync<ScoreEntity>())
        {
            shadowRows[row.RowKey] = row;
        }

        var pairs = new List<ShadowPair>();
        await foreach (var row in host.Tables.Scores.QueryAsync<ScoreEntity>())
        {
            if (row.Day == SmallPopulation.Day(Night) && shadowRows.TryGetValue(row.RowKey, out var shadowRow) && shadowRow.Day == row.Day && !ScoreRows.IsWithdrawn(row))
            {
                pairs.Add(new ShadowPair(row.RowKey, ScoreRows.ToResult(row), ScoreRows.ToResult(shadowRow)));
            }
        }

        Assert.Equal(20, pairs.Count);
        Assert.Equal(JsonSerializer.Serialize(ShadowDiffReport.Build(pairs)), JsonSerializer.Serialize(stored.Report));
    }

    /// <summary>A stand-in next version: the live model, a few points higher (capped at 100).</summary>
    private sealed class ShiftedModel(IScoreModel inner, string version, int shift) : IScoreModel
    {
        public string Version => version;

        public Calibration DefaultCalibration => new(version, inner.DefaultCalibration.Knots, 0);

        public ScoreResult Score(ScoringInput input, IPopulationScores population, Calibration calibration)
        {
            var result = inner.Score(input, population, new Calibration(inner.Version, calibration.Knots, calibration.SampleNights));
            return result with { ModelVersion = version, Score = result.Score is { } s ? Math.Min(100, s + shift) : null };
        }
    }
}
