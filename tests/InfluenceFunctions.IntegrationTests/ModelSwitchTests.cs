using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.IntegrationTests.Webhooks;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Workflows.Nightly;
using Microsoft.Extensions.DependencyInjection;

namespace InfluenceFunctions.IntegrationTests;

/// <summary>
/// The switch from v1 to v2 as an operator does it: nights with v2 in shadow (its scales refitted from the shards' scale
/// summaries), the announcement to partners with the shadow report, then a restart with v2 live (the default) on the
/// same store, and the first v2 night as people see it.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ModelSwitchTests(AzuriteFixture azurite)
{
    private const int Users = 120;
    private static readonly DateOnly LastShadowNight = new(2026, 11, 27);
    private static readonly DateOnly SwitchNight = LastShadowNight.AddDays(1);

    [Fact]
    public async Task ShouldRunV2InShadowAnnounceItWithTheReportAndTellEveryoneWhoMovedAtTheSwitchWhy()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        await using var receiver = await WebhookReceiver.StartAsync();
        var shadowSettings = Settings(prefix);
        shadowSettings["Influence:LiveModelVersion"] = "v1";
        shadowSettings["Influence:ShadowModelVersion"] = "v2";
        JsonElement announced;
        ShadowDiffReport stored;
        await using (var host = await TestHost.StartAsync(azurite, new DateTimeOffset(2026, 11, 28, 3, 0, 0, TimeSpan.Zero), shadowSettings))
        {
            using (var registered = await host.Http.PostAsJsonAsync("/api/v1/webhooks/endpoints", new { url = receiver.Url, eventTypes = new[] { WebhookEventType.ModelVersionChanged.Name() } }))
            {
                Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
                receiver.Secrets.Add((await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!);
            }

            using (await host.PutMembersBatchAsync("seed", SmallPopulation.Batch(Users, LastShadowNight, 30)))
            {
            }

            await host.RunNightAsync(LastShadowNight.AddDays(-1));
            var summary = await host.RunNightAsync(LastShadowNight);
            Assert.Equal(("v1", "v2"), (summary.ModelVersion, summary.ShadowModelVersion));

            // Every shard handed its scale summary over in a row, and the night's v2 calibration holds scales fitted to
            // this population (its networks), stored beside the knots.
            var handedOver = await CountAsync(host.Tables.ScaleSummaries, ScaleSummaryRows.PartitionOf("v2", LastShadowNight));
            Assert.Equal(8, handedOver);
            var calibrationRow = (await host.Tables.Calibration.GetEntityAsync<TableEntity>("v2", DayKeys.NewestFirst(LastShadowNight))).Value;
            Assert.NotNull(calibrationRow.GetBinary(CalibrationRows.ScalesColumn + "0"));
            var calibration = CalibrationRows.Read(calibrationRow);
            Assert.Equal(2, calibration.SampleNights);
            // 80 people on twitter get scales of their own; mastodon's 40 are fewer than ScaleFit.MinimumSample: it keeps the prior.
            Assert.Equal(["twitter"], calibration.Scales!.Networks);
            Assert.Equal(2 * Users / 3, calibration.Scales.UsersOf("twitter"));
            Assert.NotNull(calibration.Scales.FittedComposite("twitter"));

            stored = (await host.Services.GetRequiredService<NightlyRunService>().LatestShadowReportAsync("v2", CancellationToken.None))!.Value.Report;
            Assert.Equal(Users, stored.ScoredByBoth);

            using var announce = await host.Http.SendAsync(host.Admin(HttpMethod.Post, "/api/v1/manage/models/v2/announce", JsonContent.Create(new { note = "v2 goes live tomorrow" })));
            Assert.Equal(HttpStatusCode.Accepted, announce.StatusCode);
            await WaitUntilAsync(() => !receiver.Accepted.IsEmpty, TimeSpan.FromSeconds(30));
            announced = JsonDocument.Parse(receiver.Accepted.Values.Single()).RootElement.Clone();
        }

        // What partners received: the switch and the report of the last shadow night, median and share moving included.
        Assert.Equal("model.version.changed", announced.GetProperty("type").GetString());
        var data = announced.GetProperty("data");
        Assert.Equal("v2", data.GetProperty("nextVersion").GetString());
        var report = data.GetProperty("shadowReport");
        Assert.Equal(("v1", "v2", Users), (report.GetProperty("liveVersion").GetString(), report.GetProperty("shadowVersion").GetString(), report.GetProperty("scoredByBoth").GetInt32()));
        Assert.Equal(stored.MedianChange, report.GetProperty("medianChange").GetInt32());
        Assert.Equal(stored.MedianAbsoluteChange, report.GetProperty("medianAbsoluteChange").GetInt32());
        Assert.Equal(stored.ShareMovingMoreThanSmallMove, report.GetProperty("shareMovingMoreThanSmallMove").GetDouble(), 9);

        // The switch: the same store, restarted without a live version set (the default is v2) and without a shadow.
        await using var live = await TestHost.StartAsync(azurite, new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero), Settings(prefix));
        var first = await live.RunNightAsync(SwitchNight);
        Assert.Equal(("v2", (string?)null, Users), (first.ModelVersion, first.ShadowModelVersion, first.UsersScored));

        // The summary rows age out: the switch night keeps its own and last night's, the night before is gone.
        Assert.Equal((8, 8, 0), (
            await CountAsync(live.Tables.ScaleSummaries, ScaleSummaryRows.PartitionOf("v2", SwitchNight)),
            await CountAsync(live.Tables.ScaleSummaries, ScaleSummaryRows.PartitionOf("v2", LastShadowNight)),
            await CountAsync(live.Tables.ScaleSummaries, ScaleSummaryRows.PartitionOf("v2", LastShadowNight.AddDays(-1)))));

        var moved = 0;
        for (var u = 0; u < Users; u++)
        {
            var explanation = await live.GetJsonAsync($"/api/v1/users/{SmallPopulation.UserId(u)}/explanation");
            Assert.Equal("v2", explanation.GetProperty("modelVersion").GetString());
            var change = explanation.GetProperty("change").GetInt32();
            var moves = explanation.GetProperty("moves").EnumerateArray().ToList();
            if (change == 0)
            {
                Assert.Empty(moves);
                continue;
            }

            // Whoever moves sees one reason, in plain words: the model changed, with the whole move (no signal is blamed).
            moved++;
            var move = Assert.Single(moves);
            Assert.Equal("model.version", move.GetProperty("driver").GetString());
            Assert.Equal("the score model changed from v1 to v2", move.GetProperty("description").GetString());
            Assert.Equal(change, move.GetProperty("points").GetDouble());
        }

        Assert.True(moved > 0, "v2 scores this population differently from v1, so someone moves at the switch");

        // The v1 nights still render beside the v2 one.
        var history = await live.GetJsonAsync($"/api/v1/users/{SmallPopulation.UserId(30)}/history?from={LastShadowNight.AddDays(-1):yyyy-MM-dd}&to={SwitchNight:yyyy-MM-dd}");
        var days = history.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(3, days.Count);
        Assert.All(days, d => Assert.InRange(d.GetProperty("score").GetInt32(), 1, 100));
    }

    private static Dictionary<string, string?> Settings(string prefix) => new()
    {
        ["Influence:TablePrefix"] = prefix,
        ["Webhooks:AllowedHttpHosts:0"] = "127.0.0.1",
        ["Webhooks:RetryBaseDelay"] = "00:00:00.050",
        ["Webhooks:PollInterval"] = "00:00:00.050",
        ["LocalHost:RunWebhooks"] = "true",
    };

    private static async Task<int> CountAsync(TableClient table, string partition)
    {
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["RowKey"]))
        {
            count++;
        }

        return count;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(50);
        }
    }
}
