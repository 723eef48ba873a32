using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.IntegrationTests.Accounts;

namespace InfluenceFunctions.IntegrationTests;

/// <summary>
/// Each network's vocabulary end to end: views and saves ingested into their own packed column (only where a network
/// reports them), exported, scored by model v2, and a component nothing was measured for shown as absent in the score
/// row, the partner views, the profile and the card.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SignalVocabularyTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Night = new(2026, 11, 27);
    private static readonly DateTimeOffset Morning = new(2026, 11, 28, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ShouldStoreViewsAndSavesInTheirOwnColumnOnlyForNetworksThatReportThemAndExportThem()
    {
        await using var host = await TestHost.StartAsync(azurite, Morning, TestTokens.Settings);
        var tiktok = Days("dancer", "tiktok", 3, d => new { audienceSize = 5_000.0, posts = 1, reactions = 200.0, views = 9_000.0 + d, saves = d == 0 ? (double?)null : 12.0 });
        var twitter = Days("dancer", "twitter", 3, d => new { audienceSize = 800.0, posts = 2, reactions = 10.0 });
        using (var put = await host.PutMembersBatchAsync("b1", new { signals = tiktok.Concat(twitter) }))
        {
            Assert.Equal(6, (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signals").GetInt32());
        }

        var row = await RowAsync(host, "dancer");
        Assert.DoesNotContain(SignalRows.ExtendedColumn("twitter"), row.Keys); // Never reported: absent, no column of NaN.
        var extended = PackedSeries.DecodeExtended(row.GetBinary(SignalRows.ExtendedColumn("tiktok")));
        Assert.Equal((Night.AddDays(-2).DayNumber, 3), (extended.FirstDay, extended.DayCount));
        Assert.Equal([9_002f, 12f, 9_001f, 12f, 9_000f, float.NaN], extended.Values);
        Assert.Equal(1, PackedSeries.Decode(row.GetBinary(SignalRows.WindowColumn("tiktok"))).Values[(2 * ScoringWindow.SignalCount) + (int)SignalKind.Posts]);

        // The window the nightly run reads carries them; twitter has none.
        var input = SignalRows.ToScoringInput(row, Night, null);
        Assert.Equal(9_000, input.Networks.Single(n => n.Network == "tiktok")[ScoringWindow.Days - 1, SignalKind.Views]);
        Assert.Null(input.Networks.Single(n => n.Network == "twitter").ExtendedValues);

        // A day sent again without views replaces the whole day: its views are no longer known (set, never added).
        using (await host.PutBatchAsync("b2", new { signals = Days("dancer", "tiktok", 1, _ => new { audienceSize = 5_000.0, posts = 3, reactions = 250.0 }) }))
        {
        }

        extended = PackedSeries.DecodeExtended((await RowAsync(host, "dancer")).GetBinary(SignalRows.ExtendedColumn("tiktok")));
        Assert.Equal([9_002f, 12f, 9_001f, 12f, float.NaN, float.NaN], extended.Values);

        var export = await AccountTests.SendAsync(host, "dancer", HttpMethod.Get, "/api/v1/users/dancer/account/export", System.Net.HttpStatusCode.OK);
        var networks = export.GetProperty("signals").GetProperty("networks");
        var firstTikTokDay = networks.GetProperty("tiktok")[0];
        Assert.Equal(9_002, firstTikTokDay.GetProperty("views").GetDouble());
        Assert.Equal(12, firstTikTokDay.GetProperty("saves").GetDouble());
        Assert.Equal(JsonValueKind.Null, networks.GetProperty("tiktok")[2].GetProperty("views").ValueKind);
        Assert.Equal(JsonValueKind.Null, networks.GetProperty("twitter")[0].GetProperty("views").ValueKind);
        Assert.Equal(3, networks.GetProperty("twitter").GetArrayLength());
    }

    [Fact]
    public async Task ShouldShowAComponentV2CouldNotMeasureAsAbsentInTheRowTheApiTheProfileAndTheCard()
    {
        var settings = new Dictionary<string, string?>(TestTokens.Settings) { ["Influence:LiveModelVersion"] = "v2" };
        await using var host = await TestHost.StartAsync(azurite, Morning, settings);

        // YouTube channels: subscribers, videos, likes and views; no comments reported, and nobody named engaging.
        var signals = Enumerable.Range(0, 12).SelectMany(u => Days($"yt{u:D2}", "youtube", 30, d => new
        {
            audienceSize = 1_000.0 * (u + 1),
            posts = 1,
            reactions = 30.0 * (u + 1),
            views = 900.0 * (u + 1) * (1 + (d % 3)),
        })).ToList();
        using (await host.PutMembersBatchAsync("yt", new { signals }))
        {
        }

        await host.RunNightAsync(Night);

        var stored = (await host.Tables.Scores.GetEntityAsync<TableEntity>(Shards.KeyOf("yt05", 8), "yt05")).Value;
        Assert.Equal("v2", stored.GetString("ModelVersion"));
        Assert.Equal("scored", stored.GetString("Status"));
        Assert.True(stored.GetDouble("Reach") is > 0 and < 100, "reach was measured");
        Assert.DoesNotContain("Amplification", stored.Keys); // Absent: no column at all, not 0 and not NaN.
        Assert.DoesNotContain("Network", stored.Keys);

        var score = await host.GetJsonAsync("/api/v1/users/yt05/score");
        var components = score.GetProperty("components");
        Assert.Equal(Math.Round(stored.GetDouble("Reach")!.Value, 1), components.GetProperty("reach").GetDouble());
        Assert.Equal(JsonValueKind.Null, components.GetProperty("amplification").ValueKind);
        Assert.Equal(JsonValueKind.Null, components.GetProperty("network").ValueKind);

        var explanation = await host.GetJsonAsync("/api/v1/users/yt05/explanation");
        Assert.Equal(JsonValueKind.Null, explanation.GetProperty("components").GetProperty("amplification").ValueKind);

        var profile = await AccountTests.SendAsync(host, "yt05", HttpMethod.Get, "/api/v1/users/yt05/profile", System.Net.HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, profile.GetProperty("score").GetProperty("components").GetProperty("network").ValueKind);

        var card = await host.Http.GetStringAsync("/api/v1/users/yt05/card.svg");
        Assert.Contains("not measured", card, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", card, StringComparison.Ordinal);
    }

    private static IEnumerable<object> Days(string userId, string network, int days, Func<int, object> values) =>
        Enumerable.Range(0, days).Select(d =>
        {
            var item = JsonSerializer.SerializeToNode(values(d))!.AsObject();
            item["userId"] = userId;
            item["network"] = network;
            item["day"] = SmallPopulation.Day(Night.AddDays(-d));
            return (object)item;
        });

    private static async Task<TableEntity> RowAsync(TestHost host, string userId) =>
        (await host.Tables.Signals.GetEntityAsync<TableEntity>(Shards.KeyOf(userId, 8), userId)).Value;
}
