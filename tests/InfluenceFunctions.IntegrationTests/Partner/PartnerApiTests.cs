using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;

namespace InfluenceFunctions.IntegrationTests.Partner;

[Collection(AzuriteCollection.Name)]
public sealed class PartnerApiTests(AzuriteFixture azurite)
{
    internal static readonly DateOnly Night = new(2026, 11, 27);
    internal static readonly DateTimeOffset Now = new(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);

    /// <summary>30 users scored on two nights (so there is a yesterday), plus u900 with data but never run.</summary>
    internal static async Task<TestHost> ScoredHostAsync(AzuriteFixture azurite, IDictionary<string, string?>? settings = null)
    {
        var host = await TestHost.StartAsync(azurite, Now, settings);
        using (var put = await host.PutMembersBatchAsync("seed", SmallPopulation.Batch(30, Night, 30)))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await host.RunNightAsync(Night.AddDays(-1));
        await host.RunNightAsync(Night);
        using (var late = await host.PutMembersBatchAsync("late", SmallPopulation.Batch(1, Night, 5, firstUser: 900)))
        {
            Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        }

        return host;
    }

    [Fact]
    public async Task ShouldServeScoreWithETagCacheControlUntilTheNextRunAnd304()
    {
        await using var host = await ScoredHostAsync(azurite);
        using var first = await host.Http.GetAsync("/api/v1/users/u020/score");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("scored", body.GetProperty("status").GetString());
        Assert.Equal("2026-11-27", body.GetProperty("day").GetString());
        Assert.Equal("v2", body.GetProperty("modelVersion").GetString()); // the live model by default
        Assert.Equal(JsonValueKind.Number, body.GetProperty("deltas").GetProperty("day").ValueKind);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 2, 0, 0, TimeSpan.Zero), body.GetProperty("nextRecalculationUtc").GetDateTimeOffset());

        // The night is current, so the answer holds until the next run at 02:00: 23 hours from 03:00.
        Assert.Equal(TimeSpan.FromHours(23), first.Headers.CacheControl!.MaxAge);
        Assert.True(first.Headers.CacheControl.Private);
        var etag = first.Headers.ETag!;
        Assert.False(etag.IsWeak);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/u020/score");
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await host.Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var other = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/u021/score");
        other.Headers.IfNoneMatch.Add(etag);
        using var changed = await host.Http.SendAsync(other);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        foreach (var resource in new[] { "history", "explanation", "card.svg" })
        {
            using var response = await host.Http.GetAsync($"/api/v1/users/u020/{resource}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotNull(response.Headers.ETag);
            Assert.Equal(TimeSpan.FromHours(23), response.Headers.CacheControl!.MaxAge);
            using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/users/u020/{resource}");
            conditional.Headers.IfNoneMatch.Add(response.Headers.ETag!);
            using var unchanged = await host.Http.SendAsync(conditional);
            Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        }
    }

    [Fact]
    public async Task ShouldAnswerUnscoredWithReasonAndUnknownWith404()
    {
        await using var host = await ScoredHostAsync(azurite);
        var waiting = await host.GetJsonAsync("/api/v1/users/u900/score");
        Assert.Equal("unscored", waiting.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("score").ValueKind);
        Assert.Contains("not run", waiting.GetProperty("reason").GetString(), StringComparison.Ordinal);

        foreach (var resource in new[] { "score", "history", "explanation", "card.svg" })
        {
            using var missing = await host.Http.GetAsync($"/api/v1/users/nobody/{resource}");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task ShouldServeServedStateFromTheCacheUntilARunCompletesThenTheNewNight()
    {
        await using var host = await TestHost.StartAsync(azurite, Now);
        using (await host.PutMembersBatchAsync("seed", SmallPopulation.Batch(10, Night, 30)))
        {
        }

        await host.RunNightAsync(Night.AddDays(-1));
        var before = await host.GetJsonAsync("/api/v1/users/u005/score");
        Assert.Equal("2026-11-26", before.GetProperty("day").GetString());
        var reads = host.Counter.Total;
        _ = await host.GetJsonAsync("/api/v1/users/u005/score");
        Assert.Equal(reads, host.Counter.Total); // Served from the cache: no storage call.

        await host.RunNightAsync(Night);
        var after = await host.GetJsonAsync("/api/v1/users/u005/score");
        Assert.Equal("2026-11-27", after.GetProperty("day").GetString());
    }

    [Fact]
    public async Task ShouldLookUpABatchGroupedByShardWithFewStorageCalls()
    {
        await using var host = await ScoredHostAsync(azurite);
        var ids = Enumerable.Range(0, 30).Select(SmallPopulation.UserId).Append("u900")
            .Concat(Enumerable.Range(0, 68).Select(i => "ghost-" + i)).ToList();
        Assert.Equal(99, ids.Count);

        using (await host.Http.GetAsync("/api/v1/users/warm-up/score"))
        {
            // Verifies (and caches) the API key, so what follows counts only score reads.
        }

        var before = host.Counter.Total;
        using var response = await host.Http.PostAsJsonAsync("/api/v1/scores/lookup", new { userIds = ids.Append("u001") });
        var spent = host.Counter.Total - before;
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(31, body.GetProperty("found").GetInt32());
        Assert.Equal(68, body.GetProperty("notFound").GetInt32());
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(ids, results.Select(r => r.GetProperty("userId").GetString())); // In order, the repeat once.
        Assert.InRange(results[3].GetProperty("score").GetProperty("score").GetInt32(), 1, 100);
        Assert.Equal("unscored", results[30].GetProperty("score").GetProperty("status").GetString());
        Assert.False(results[98].GetProperty("found").GetBoolean());

        // Expected: per shard one call per 14 ids for scores, then the same for the ids without a score row (signals).
        var shards = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<InfluenceOptions>>().Value.ShardCount;
        static int Calls(IEnumerable<string> group, int shards) =>
            group.GroupBy(id => Shards.KeyOf(id, shards)).Sum(g => (g.Count() + ScoreReader.RowKeysPerQuery - 1) / ScoreReader.RowKeysPerQuery);
        var expected = Calls(ids, shards) + Calls(ids.Skip(30), shards);
        Assert.Equal(expected, spent);
        Assert.True(spent <= 2 * (shards + (100 / ScoreReader.RowKeysPerQuery)), $"{spent} storage calls for 100 ids");

        before = host.Counter.Total;
        using var cached = await host.Http.PostAsJsonAsync("/api/v1/scores/lookup", new { userIds = ids });
        Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        Assert.Equal(0, host.Counter.Total - before);
    }

    [Fact]
    public async Task ShouldRejectBadBatchesNamingTheProblem()
    {
        await using var host = await ScoredHostAsync(azurite);
        async Task<JsonElement> Post(string json, string contentType = "application/json", HttpStatusCode expected = HttpStatusCode.BadRequest)
        {
            using var content = new StringContent(json, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            using var response = await host.Http.PostAsync("/api/v1/scores/lookup", content);
            Assert.Equal(expected, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        }

        var tooMany = await Post(JsonSerializer.Serialize(new { userIds = Enumerable.Range(0, 101).Select(i => "u" + i) }));
        Assert.Contains("101", tooMany.GetProperty("errors").GetProperty("userIds")[0].GetString(), StringComparison.Ordinal);
        var badId = await Post("{\"userIds\":[\"ok\",\"a/b\"]}");
        Assert.True(badId.GetProperty("errors").TryGetProperty("userIds[1]", out _));
        var malformed = await Post("{\"userIds\":[\"a\"");
        Assert.True(malformed.TryGetProperty("errors", out _));
        var unknownField = await Post("{\"userIds\":[\"a\"],\"extra\":1}");
        Assert.True(unknownField.TryGetProperty("errors", out _));
        var number = await Post("{\"userIds\":[1]}");
        Assert.True(number.GetProperty("errors").TryGetProperty("userIds[0]", out _));
        await Post("{\"userIds\":[]}");
        await Post("{\"userIds\":null}");
        await Post("{\"userIds\":[\"a\"]}", "text/plain", HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task ShouldServeHistoryFromThePackedColumnWithinItsRange()
    {
        await using var host = await ScoredHostAsync(azurite);
        var score = await host.GetJsonAsync("/api/v1/users/u012/score");
        var reads = host.Counter.Total;
        var history = await host.GetJsonAsync("/api/v1/users/u012/history");
        Assert.Equal(reads, host.Counter.Total); // The row is cached from the lookup: history costs nothing more.
        Assert.Equal("2026-11-27", history.GetProperty("to").GetString());
        Assert.Equal("2026-08-30", history.GetProperty("from").GetString()); // 90 days by default.
        var days = history.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(["2026-11-26", "2026-11-27"], days.Select(d => d.GetProperty("day").GetString()));
        Assert.Equal(score.GetProperty("score").GetInt32(), days[1].GetProperty("score").GetInt32());

        var one = await host.GetJsonAsync("/api/v1/users/u012/history?from=2026-11-26&to=2026-11-26");
        Assert.Single(one.GetProperty("days").EnumerateArray());
        var year = await host.GetJsonAsync("/api/v1/users/u012/history?from=2025-11-28&to=2026-11-27");
        Assert.Equal(2, year.GetProperty("days").GetArrayLength());

        foreach (var (query, field) in new[]
        {
            ("from=2025-11-27&to=2026-11-27", "from"), // 366 days
            ("from=2026-11-27&to=2026-11-01", "from"),
            ("from=27-11-2026", "from"),
            ("to=tomorrow", "to"),
            ("days=7", "days"),
            ("from=2026-11-01&from=2026-11-02", "from"),
        })
        {
            using var response = await host.Http.GetAsync("/api/v1/users/u012/history?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{query}: {problem}");
        }
    }

    [Fact]
    public async Task ShouldExplainWhatMovedTheScoreSinceYesterday()
    {
        await using var host = await ScoredHostAsync(azurite);
        var explanation = await host.GetJsonAsync("/api/v1/users/u025/explanation");
        var score = explanation.GetProperty("score").GetInt32();
        var previous = explanation.GetProperty("previous");
        Assert.Equal("2026-11-26", previous.GetProperty("day").GetString());
        Assert.Equal(score - previous.GetProperty("score").GetInt32(), explanation.GetProperty("change").GetInt32());
        Assert.InRange(explanation.GetProperty("components").GetProperty("reach").GetDouble(), 0, 100);
        Assert.NotEmpty(explanation.GetProperty("drivers").EnumerateArray());
        var moves = explanation.GetProperty("moves").EnumerateArray().ToList();
        Assert.NotEmpty(moves); // u025's score moved since yesterday: the checks below must have something to check.
        foreach (var move in moves)
        {
            Assert.False(string.IsNullOrEmpty(move.GetProperty("description").GetString()));
            Assert.Equal(JsonValueKind.Number, move.GetProperty("points").ValueKind);
        }
    }

    [Fact]
    public async Task ShouldRenderTheCardAsWellFormedSvgWithTheScore()
    {
        await using var host = await ScoredHostAsync(azurite);
        var score = (await host.GetJsonAsync("/api/v1/users/u028/score")).GetProperty("score").GetInt32();
        using var response = await host.Http.GetAsync("/api/v1/users/u028/card.svg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        var svg = XDocument.Parse(await response.Content.ReadAsStringAsync());
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains(score.ToString(System.Globalization.CultureInfo.InvariantCulture), texts);
        Assert.Contains("u028", texts);
        Assert.Contains("Reach", texts);
        Assert.Contains("Amplification", texts);
        Assert.Contains("Network", texts);
        Assert.NotEmpty(svg.Descendants(ns + "path")); // The sparkline (two nights of history).
    }
}
