using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.People;
using Microsoft.Extensions.DependencyInjection;

namespace InfluenceFunctions.IntegrationTests;

[Collection(AzuriteCollection.Name)]
public sealed class TopicsTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Night = new(2026, 11, 27);
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string> BadPostBatches => new()
    {
        { """{"posts":[{"userId":"a/b","network":"twitter","day":"2026-11-27","postId":"1","text":"hi"}]}""", "posts[0].userId" },
        { """{"posts":[{"userId":"alice","network":"myspace","day":"2026-11-27","postId":"1","text":"hi"}]}""", "posts[0].network" },
        { """{"posts":[{"userId":"alice","network":"twitter","day":"2026-11-29","postId":"1","text":"hi"}]}""", "posts[0].day" },
        { """{"posts":[{"userId":"alice","network":"twitter","day":"2026-07-01","postId":"1","text":"hi"}]}""", "posts[0].day" },
        { """{"posts":[{"userId":"alice","network":"twitter","day":"2026-11-27","postId":"","text":"hi"}]}""", "posts[0].postId" },
        { """{"posts":[{"userId":"alice","network":"twitter","day":"2026-11-27","postId":"1","text":"hi","links":["not a url"]}]}""", "posts[0].links[0]" },
        { """{"posts":[{"userId":"alice","network":"twitter","day":"2026-11-27","postId":"1","text":"hi","reactions":-3}]}""", "posts[0].reactions" },
        { """{"posts":[{"userId":"alice","network":"twitter","day":"2026-11-27","postId":"1"}]}""", "posts[0]" },
        { """{"posts":[{"userId":"alice","network":"twitter","day":"2026-11-27","postId":"1","text":"hi","likes":3}]}""", "posts[0].likes" },
        { """{"posts":[]}""", "posts" },
    };

    [Theory]
    [MemberData(nameof(BadPostBatches))]
    public async Task ShouldRejectABadPostBatchNamingTheFieldAndWriteNothing(string body, string field)
    {
        await using var host = await TestHost.StartAsync(azurite, Now);
        var payload = body.Replace("{\"posts\":[{", "{\"posts\":[{\"userId\":\"good\",\"network\":\"twitter\",\"day\":\"2026-11-27\",\"postId\":\"g\",\"text\":\"fine\"},{", StringComparison.Ordinal);
        var expected = payload == body ? field : "posts[1]" + field["posts[0]".Length..];
        using var response = await host.Http.SendAsync(host.Admin(HttpMethod.Put, "/api/v1/ingest/posts/p1", new StringContent(payload, Encoding.UTF8, "application/json")));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(expected, out _), $"expected an error for {expected}: {text}");
        Assert.Empty(await RowsAsync(host.Tables.Topics));
        Assert.Empty(await RowsAsync(host.Tables.IngestBatches));
    }

    [Fact]
    public async Task ShouldApplyAPostBatchOnceAndRefuseItsIdWithAnotherBody()
    {
        await using var host = await TestHost.StartAsync(azurite, Now);
        var batch = TopicPosts.Batch(Night);
        using (var first = await host.PutMembersPostsAsync("p1", batch))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var rows = await RowsAsync(host.Tables.Topics);
        Assert.Equal(4, rows.Count);
        using (var again = await host.PutMembersPostsAsync("p1", batch))
        {
            Assert.Equal("already-applied", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }

        using (var conflict = await host.PutMembersPostsAsync("p1", new { posts = new[] { TopicPosts.Post("u010", Night, "x", "other") } }))
        {
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        }

        // The same posts under a new batch id replace themselves: still six posts for u010.
        using (await host.PutMembersPostsAsync("p2", batch))
        {
        }

        var fan = await host.Tables.Topics.GetEntityAsync<TableEntity>(Storage.Shards.KeyOf("u010", 8), "posts|u010");
        Assert.Equal(6, fan.Value.GetInt32("Count"));
    }

    [Fact]
    public async Task ShouldReceiptThePostsItStoredAndThoseItIgnoredTheSameOnARepeat()
    {
        await using var host = await TestHost.StartAsync(azurite, Now);
        var accounts = host.Services.GetRequiredService<AccountStore>();
        await accounts.OptInAsync("alice", CancellationToken.None);
        await accounts.ConnectAsync("alice", "twitter", "alice", CancellationToken.None);
        await accounts.OptInAsync("bob", CancellationToken.None); // Opted in, nothing connected; carol never opted in.
        static object Post(string userId, string network, string postId) =>
            new { userId, network, day = SmallPopulation.Day(Night), postId, text = "Twins win again at Target Field" };
        var batch = new
        {
            posts = new[]
            {
                Post("alice", "twitter", "a1"), Post("alice", "twitter", "a2"), Post("alice", "twitter", "a3"),
                Post("alice", "instagram", "a4"), Post("alice", "instagram", "a5"), // A network alice has not connected.
                Post("bob", "twitter", "b1"),
                Post("carol", "twitter", "c1"), Post("carol", "twitter", "c2"),
            },
        };

        foreach (var (attempt, status) in new[] { (1, "applied"), (2, "already-applied") })
        {
            using var put = await host.Http.SendAsync(host.Admin(HttpMethod.Put, "/api/v1/ingest/posts/mixed", JsonContent.Create(batch)));
            var receipt = await put.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(put.StatusCode == HttpStatusCode.OK, $"attempt {attempt}: {receipt}");
            Assert.Equal(status, receipt.GetProperty("status").GetString());
            Assert.Equal(3, receipt.GetProperty("posts").GetInt32());
            Assert.Equal(5, receipt.GetProperty("ignoredPosts").GetInt32());
        }

        // What the receipt says is what is stored: alice's three twitter posts, nothing under bob or carol.
        var rows = await RowsAsync(host.Tables.Topics);
        var alice = Assert.Single(rows);
        Assert.Equal("posts|alice", alice.RowKey);
        Assert.Equal(3, alice.GetInt32("Count"));
        var record = Assert.Single(await RowsAsync(host.Tables.IngestBatches));
        Assert.Equal((8, 5), (record.GetInt32("Posts"), record.GetInt32("IgnoredPosts")));
    }

    [Fact]
    public async Task ShouldScoreTopicsWithEvidenceWithoutKloutsMisattributionsAndServeLeaderboards()
    {
        await using var host = await TestHost.StartAsync(azurite, Now, TestTokens.Settings);
        await SeedAsync(host);
        await host.RunNightAsync(Night);

        var fan = await host.GetJsonAsync("/api/v1/users/u010/topics");
        var fanTopics = Ids(fan);
        Assert.Contains("minnesota-twins", fanTopics);
        Assert.DoesNotContain("minnesota", fanTopics);
        Assert.DoesNotContain("twins-parenting", fanTopics);
        var twins = fan.GetProperty("topics").EnumerateArray().First(t => t.GetProperty("id").GetString() == "minnesota-twins");
        Assert.InRange(twins.GetProperty("score").GetInt32(), 1, 100);
        Assert.Equal(6, twins.GetProperty("evidence").GetProperty("posts").GetInt32());
        var topPost = twins.GetProperty("evidence").GetProperty("topPosts")[0];
        Assert.Equal("fan5", topPost.GetProperty("postId").GetString()); // the most engaged post first
        Assert.Equal(240, topPost.GetProperty("reactions").GetDouble());

        Assert.Equal(["twins-parenting"], Ids(await host.GetJsonAsync("/api/v1/users/u011/topics")).Where(t => t.Contains("twins", StringComparison.Ordinal)));
        var vodka = Ids(await host.GetJsonAsync("/api/v1/users/u012/topics"));
        Assert.Contains("vodka", vodka);
        Assert.DoesNotContain("wine", vodka);
        Assert.Empty(Ids(await host.GetJsonAsync("/api/v1/users/u013/topics")));

        var why = await host.GetJsonAsync("/api/v1/users/u010/topics/minnesota-twins");
        Assert.Contains("Minnesota Twins", why.GetProperty("why").GetString(), StringComparison.Ordinal);
        Assert.Contains(why.GetProperty("evidence").GetProperty("terms").EnumerateArray(), t => t.GetProperty("term").GetString() == "twins");

        using (var notAssigned = await host.Http.GetAsync("/api/v1/users/u013/topics/paper-towels"))
        {
            Assert.Equal(HttpStatusCode.NotFound, notAssigned.StatusCode);
        }

        using (var unknownTopic = await host.Http.GetAsync("/api/v1/users/u010/topics/no-such-topic"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknownTopic.StatusCode);
            Assert.Equal("application/problem+json", unknownTopic.Content.Headers.ContentType?.MediaType);
        }

        using (var unknownUser = await host.Http.GetAsync("/api/v1/users/nobody/topics"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknownUser.StatusCode);
        }

        var leaders = await host.GetJsonAsync("/api/v1/topics/minnesota-twins/leaders?top=5");
        Assert.Equal("u010", leaders.GetProperty("leaders")[0].GetProperty("userId").GetString());
        Assert.Equal(twins.GetProperty("score").GetInt32(), leaders.GetProperty("leaders")[0].GetProperty("score").GetInt32());
        using (var badTop = await host.Http.GetAsync("/api/v1/topics/minnesota-twins/leaders?top=0"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badTop.StatusCode);
        }

        using (var unknownBoard = await host.Http.GetAsync("/api/v1/topics/no-such-topic/leaders"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknownBoard.StatusCode);
        }

        var ontology = await host.GetJsonAsync("/api/v1/topics");
        Assert.True(ontology.GetProperty("topics").GetArrayLength() >= 200);

        // The partner's media-kit card shows the topics the user is known for.
        using var card = await host.Http.GetAsync("/api/v1/users/u010/card.svg");
        Assert.Equal(HttpStatusCode.OK, card.StatusCode);
        Assert.Contains("Minnesota Twins", await card.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShouldShowAtMostTwentyTopics()
    {
        await using var host = await TestHost.StartAsync(azurite, Now, TestTokens.Settings);
        await SeedAsync(host);
        var subjects = new[]
        {
            "sushi", "pizza", "espresso", "yoga", "bitcoin", "kubernetes", "javascript", "gardening", "houseplants", "skincare",
            "photography", "astronomy", "dinosaurs", "podcast", "anime", "minecraft", "fortnite", "tennis", "cycling", "meditation",
            "bourbon", "tequila", "chocolate", "sneakers", "woodworking",
        };
        var posts = subjects.SelectMany((s, i) => new[] { TopicPosts.Post("u020", Night, $"a{i}", $"Loving {s} lately", reactions: i), TopicPosts.Post("u020", Night.AddDays(-1), $"b{i}", $"More {s} today", reactions: i) });
        using (await host.PutMembersPostsAsync("many", new { posts }))
        {
        }

        await host.RunNightAsync(Night);
        Assert.Equal(20, Ids(await host.GetJsonAsync("/api/v1/users/u020/topics")).Count);
    }

    [Fact]
    public async Task ShouldHideATopicForTheUserOnlyAndKeepItHiddenAcrossNights()
    {
        await using var host = await TestHost.StartAsync(azurite, Now, TestTokens.Settings);
        await SeedAsync(host);
        await host.RunNightAsync(Night);
        const string Hidden = "/api/v1/users/u010/topics/minnesota-twins/hidden";

        using (var anonymous = await host.Http.PutAsync(Hidden, null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        }

        using (var someoneElse = await host.Http.SendAsync(TestTokens.As("u011", HttpMethod.Put, Hidden)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, someoneElse.StatusCode);
        }

        var forged = new HttpRequestMessage(HttpMethod.Put, Hidden);
        forged.Headers.Authorization = new("Bearer", TestTokens.Mint("u010", Encoding.UTF8.GetBytes("another-key-another-key-another-key!!")));
        using (var badSignature = await host.Http.SendAsync(forged))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, badSignature.StatusCode);
        }

        var expired = new HttpRequestMessage(HttpMethod.Put, Hidden);
        expired.Headers.Authorization = new("Bearer", TestTokens.Mint("u010", expires: DateTime.UtcNow.AddMinutes(-10)));
        using (var old = await host.Http.SendAsync(expired))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }

        using (var unknown = await host.Http.SendAsync(TestTokens.As("u010", HttpMethod.Put, "/api/v1/users/u010/topics/no-such-topic/hidden")))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        Assert.Empty(await RowsAsync(host.Tables.Topics, "hidden|"));
        using (var hide = await host.Http.SendAsync(TestTokens.As("u010", HttpMethod.Put, Hidden)))
        {
            Assert.Equal(HttpStatusCode.OK, hide.StatusCode);
        }

        Assert.DoesNotContain("minnesota-twins", Ids(await host.GetJsonAsync("/api/v1/users/u010/topics")));
        Assert.DoesNotContain((await host.GetJsonAsync("/api/v1/topics/minnesota-twins/leaders")).GetProperty("leaders").EnumerateArray(), l => l.GetProperty("userId").GetString() == "u010");

        host.Clock.Now = Now.AddDays(1);
        await host.RunNightAsync(Night.AddDays(1));
        Assert.DoesNotContain("minnesota-twins", Ids(await host.GetJsonAsync("/api/v1/users/u010/topics")));
        Assert.Empty((await host.GetJsonAsync("/api/v1/topics/minnesota-twins/leaders")).GetProperty("leaders").EnumerateArray());

        // The owner still sees it, flagged, and can ask why.
        using (var own = await host.Http.SendAsync(TestTokens.As("u010", HttpMethod.Get, "/api/v1/users/u010/topics")))
        {
            var body = await own.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains(body.GetProperty("topics").EnumerateArray(), t => t.GetProperty("id").GetString() == "minnesota-twins" && t.GetProperty("hidden").GetBoolean());
        }

        using (var anonymousWhy = await host.Http.GetAsync("/api/v1/users/u010/topics/minnesota-twins"))
        {
            Assert.Equal(HttpStatusCode.NotFound, anonymousWhy.StatusCode);
        }

        using (var unhide = await host.Http.SendAsync(TestTokens.As("u010", HttpMethod.Delete, Hidden)))
        {
            Assert.Equal(HttpStatusCode.OK, unhide.StatusCode);
        }

        Assert.Contains("minnesota-twins", Ids(await host.GetJsonAsync("/api/v1/users/u010/topics")));
    }

    [Fact]
    public async Task ShouldWriteTheSameTopicAndLeaderboardRowsWhenTheSameNightRunsAgain()
    {
        await using var host = await TestHost.StartAsync(azurite, Now, TestTokens.Settings);
        await SeedAsync(host);
        await host.RunNightAsync(Night);
        var first = await SnapshotAsync(host);
        await host.RunNightAsync(Night);
        var second = await SnapshotAsync(host);
        Assert.Contains(first, r => r.StartsWith("leaders minnesota-twins", StringComparison.Ordinal));
        Assert.Equal(first, second);
    }

    internal static async Task SeedAsync(TestHost host)
    {
        using (var signals = await host.PutMembersBatchAsync("seed", SmallPopulation.Batch(30, Night, 30)))
        {
            Assert.Equal(HttpStatusCode.OK, signals.StatusCode);
        }

        using var posts = await host.PutMembersPostsAsync("seed", TopicPosts.Batch(Night));
        Assert.Equal(HttpStatusCode.OK, posts.StatusCode);
    }

    internal static List<string> Ids(JsonElement topics) =>
        topics.GetProperty("topics").EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToList();

    internal static async Task<List<TableEntity>> RowsAsync(TableClient table, string rowKeyPrefix = "")
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            if (row.RowKey.StartsWith(rowKeyPrefix, StringComparison.Ordinal))
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    private static async Task<List<string>> SnapshotAsync(TestHost host)
    {
        static string Describe(TableEntity row) => string.Join(",", row.Where(c => c.Key is not ("Timestamp" or "odata.etag")).OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => c.Key + "=" + (c.Value is byte[] b ? Convert.ToBase64String(b) : Convert.ToString(c.Value, System.Globalization.CultureInfo.InvariantCulture))));
        var rows = new List<string>();
        foreach (var row in await RowsAsync(host.Tables.Topics, "topics|"))
        {
            rows.Add($"topics {row.PartitionKey} {row.RowKey} {Describe(row)}");
        }

        foreach (var row in await RowsAsync(host.Tables.Leaders))
        {
            rows.Add($"leaders {row.PartitionKey} {row.RowKey} {Describe(row)}");
        }

        return rows;
    }
}
