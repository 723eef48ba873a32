using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Ingestion;
using InfluenceFunctions.Storage.Topics;
using InfluenceFunctions.Workflows.Topics;

namespace InfluenceFunctions.IntegrationTests;

[Collection(AzuriteCollection.Name)]
public sealed class PlusKTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Night = new(2026, 11, 27);
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 15, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Midnight = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ShouldGiveFivePlusKADayThenAnswer429WithTheResetTime()
    {
        await using var host = await ScoredHostAsync();
        for (var i = 1; i <= 5; i++)
        {
            using var given = await GiveAsync(host, "u001", $"u00{i + 1}", "minnesota-twins");
            var body = await given.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.OK, given.StatusCode);
            Assert.Equal(5 - i, body.GetProperty("remainingToday").GetInt32());
            Assert.Equal(Midnight, body.GetProperty("resetsUtc").GetDateTimeOffset());
        }

        using (var sixth = await GiveAsync(host, "u001", "u009", "minnesota-twins"))
        {
            Assert.Equal((HttpStatusCode)429, sixth.StatusCode);
            Assert.Equal("application/problem+json", sixth.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromHours(9), sixth.Headers.RetryAfter?.Delta);
            var problem = await sixth.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(Midnight, problem.GetProperty("resetsUtc").GetDateTimeOffset());
            Assert.Equal("daily", problem.GetProperty("limit").GetString());
        }

        using (var status = await host.Http.SendAsync(TestTokens.As("u001", HttpMethod.Get, "/api/v1/users/u001/plusk")))
        {
            var body = await status.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(0, body.GetProperty("remainingToday").GetInt32());
            Assert.Equal(5, body.GetProperty("recent").GetArrayLength());
        }

        Assert.Equal(5, await GiftsOfAsync(host, "u001"));

        // Next day: slots again, but not the same receiver and topic within 7 days.
        host.Clock.Now = Now.AddDays(1);
        using (var again = await GiveAsync(host, "u001", "u002", "minnesota-twins"))
        {
            Assert.Equal((HttpStatusCode)429, again.StatusCode);
            var problem = await again.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(Now.AddDays(7), problem.GetProperty("resetsUtc").GetDateTimeOffset());
            Assert.Equal("receiver-topic", problem.GetProperty("limit").GetString());
            Assert.Equal(TimeSpan.FromDays(6), again.Headers.RetryAfter?.Delta);
        }

        using (var otherTopic = await GiveAsync(host, "u001", "u002", "baseball"))
        {
            Assert.Equal(HttpStatusCode.OK, otherTopic.StatusCode);
            Assert.Equal(4, (await otherTopic.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("remainingToday").GetInt32());
        }
    }

    [Fact]
    public async Task ShouldLetOnlyFiveOfManyConcurrentRequestsThrough()
    {
        await using var host = await ScoredHostAsync();
        var requests = Enumerable.Range(2, 12).Select(async i =>
        {
            using var response = await GiveAsync(host, "u001", $"u{i:D3}", "baseball");
            return response.StatusCode;
        });
        var statuses = await Task.WhenAll(requests);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(7, statuses.Count(s => s == (HttpStatusCode)429));
        Assert.Equal(5, await GiftsOfAsync(host, "u001"));
    }

    public static TheoryData<string, string, HttpStatusCode, string?> Refusals => new()
    {
        { "u001", """{"receiver":"u001","topic":"baseball"}""", HttpStatusCode.BadRequest, "receiver" },
        { "u001", """{"receiver":"nobody","topic":"baseball"}""", HttpStatusCode.BadRequest, "receiver" },
        { "u001", """{"receiver":"u002"}""", HttpStatusCode.BadRequest, "topic" },
        { "u001", """{"receiver":"u002","topic":"baseball","extra":1}""", HttpStatusCode.BadRequest, "extra" },
        { "u001", """{"receiver":"u002","topic":""", HttpStatusCode.BadRequest, null },
        { "u001", """{"receiver":"u002","topic":"no-such-topic"}""", HttpStatusCode.NotFound, null },
        { "u900", """{"receiver":"u002","topic":"baseball"}""", HttpStatusCode.Forbidden, null }, // known but unscored giver
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ShouldRefuseABadPlusKAndWriteNothing(string giver, string body, HttpStatusCode status, string? field)
    {
        await using var host = await ScoredHostAsync();
        var request = TestTokens.As(giver, HttpMethod.Post, $"/api/v1/users/{giver}/plusk");
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _), text);
        }

        Assert.Empty(await TopicsTests.RowsAsync(host.Tables.Topics, "plusk|"));
    }

    [Fact]
    public async Task ShouldRefuseAPlusKWithoutTheGiversOwnToken()
    {
        await using var host = await ScoredHostAsync();
        using (var anonymous = await host.Http.PostAsJsonAsync("/api/v1/users/u001/plusk", new { receiver = "u002", topic = "baseball" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var impostor = await host.Http.SendAsync(TestTokens.As("u003", HttpMethod.Post, "/api/v1/users/u001/plusk", new { receiver = "u002", topic = "baseball" })))
        {
            Assert.Equal(HttpStatusCode.Forbidden, impostor.StatusCode);
        }

        var wrongAudience = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users/u001/plusk") { Content = JsonContent.Create(new { receiver = "u002", topic = "baseball" }) };
        wrongAudience.Headers.Authorization = new("Bearer", TestTokens.Mint("u001", audience: "api://someone-else"));
        using (var response = await host.Http.SendAsync(wrongAudience))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var status = await host.Http.GetAsync("/api/v1/users/u001/plusk"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, status.StatusCode);
        }

        Assert.Empty(await TopicsTests.RowsAsync(host.Tables.Topics, "plusk|"));
    }

    [Fact]
    public async Task ShouldAddCappedPlusKPointsToATopicTheNightAfterTheGraphIsWritten()
    {
        await using var host = await ScoredHostAsync();
        var before = await TopicAsync(host, "u010", "minnesota-twins");
        Assert.Equal(0, before.GetProperty("evidence").GetProperty("plusK").GetProperty("points").GetInt32());

        // Seven independent givers: 2 points each, capped at 10. A +K in a topic u010 never posts about adds nothing.
        for (var giver = 1; giver <= 7; giver++)
        {
            using var given = await GiveAsync(host, $"u{giver:D3}", "u010", "minnesota-twins");
            Assert.Equal(HttpStatusCode.OK, given.StatusCode);
        }

        using (var elsewhere = await GiveAsync(host, "u001", "u010", "wine"))
        {
            Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        }

        host.Clock.Now = Now.AddDays(1);
        await host.RunNightAsync(Night.AddDays(1)); // writes the +K graph of the gifts
        host.Clock.Now = Now.AddDays(2);
        await host.RunNightAsync(Night.AddDays(2)); // reads it
        var after = await TopicAsync(host, "u010", "minnesota-twins");
        var plusK = after.GetProperty("evidence").GetProperty("plusK");
        Assert.Equal(7, plusK.GetProperty("received").GetInt32());
        Assert.Equal(TopicScorer.MaxPlusKPoints, plusK.GetProperty("points").GetInt32());
        Assert.DoesNotContain("wine", TopicsTests.Ids(await host.GetJsonAsync("/api/v1/users/u010/topics")));
        Assert.Contains("+K", after.GetProperty("why").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> TopicAsync(TestHost host, string user, string topic) => await host.GetJsonAsync($"/api/v1/users/{user}/topics/{topic}");

    private static Task<HttpResponseMessage> GiveAsync(TestHost host, string giver, string receiver, string topic) =>
        host.Http.SendAsync(TestTokens.As(giver, HttpMethod.Post, $"/api/v1/users/{giver}/plusk", new { receiver, topic }));

    private static async Task<int> GiftsOfAsync(TestHost host, string giver)
    {
        var row = await host.Tables.Topics.GetEntityAsync<TableEntity>(Storage.Shards.KeyOf(giver, 8), "plusk|" + giver);
        return PlusKService.ReadGiven(row.Value).Count;
    }

    /// <summary>30 scored users (u000-u029), u900 known but unscored, posts for u010-u013, one night run.</summary>
    private async Task<TestHost> ScoredHostAsync()
    {
        var host = await TestHost.StartAsync(azurite, Now, TestTokens.Settings);
        await TopicsTests.SeedAsync(host);
        using (var sparse = await host.PutMembersBatchAsync("sparse", SmallPopulation.Batch(1, Night, 2, firstUser: 900)))
        {
            Assert.Equal(HttpStatusCode.OK, sparse.StatusCode);
        }

        await host.RunNightAsync(Night);
        return host;
    }
}
