using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.IntegrationTests.Accounts;

/// <summary>Opt-in, connections and the explanation of a connection change, against Azurite and the Durable engine.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AccountTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Night = new(2026, 11, 27);
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ShouldScoreStoreAndLookUpOnlyOptedInPeopleWithAConnectedNetwork()
    {
        await using var host = await TestHost.StartAsync(azurite, Now, TestTokens.Settings);
        await host.EnrollAsync(SmallPopulation.Batch(10, Night, 30)); // u000..u009 opt in and connect; u010, u011 do not.
        await SendAsync(host, "u011", HttpMethod.Put, "/api/v1/users/u011/account", HttpStatusCode.Created); // Opted in, nothing connected.
        var batch = JsonSerializer.SerializeToElement(SmallPopulation.Batch(12, Night, 30));
        var anonymous = new { from = "stranger", to = "u005", day = SmallPopulation.Day(Night), count = 3 };
        using (var put = await host.PutBatchAsync("all", new { signals = batch.GetProperty("signals"), engagements = batch.GetProperty("engagements").EnumerateArray().Cast<object>().Append(anonymous) }))
        {
            var receipt = await put.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal(2 * 30, receipt.GetProperty("ignoredSignals").GetInt32()); // u010's and u011's own signals.
        }

        var signals = await RowsAsync(host.Tables.Signals);
        Assert.DoesNotContain(signals, r => r.RowKey is "u010" or "stranger");
        Assert.DoesNotContain(signals.Single(r => r.RowKey == "u011").Keys, k => k.StartsWith("W_", StringComparison.Ordinal));
        var inbound = PackedEngagements.ReadWindow(signals.Single(r => r.RowKey == "u005").GetBinary(SignalRows.InboundColumn), Night);
        Assert.Contains(inbound, e => e.UserKey == UserKeys.Of("stranger") && e.Count == 3); // Anonymous engagement: a key and a count.

        var summary = await host.RunNightAsync(Night);
        Assert.Equal(10, summary.UsersScored + summary.UsersUnscored);
        using (var known = await host.Http.GetAsync("/api/v1/users/u003/score"))
        {
            Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        }

        foreach (var id in new[] { "u010", "u011", "stranger" })
        {
            using var unknown = await host.Http.GetAsync($"/api/v1/users/{id}/score");
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        Assert.DoesNotContain(await RowsAsync(host.Tables.Scores), r => r.RowKey is "u010" or "u011" or "stranger");
    }

    [Fact]
    public async Task ShouldConnectOnlyAnAccountThatIsTheirsAndRefuseTheRestWritingNothing()
    {
        await using var host = await TestHost.StartAsync(azurite, Now, TestTokens.Settings);
        const string Alice = "/api/v1/users/alice/account";
        await SendAsync(host, "bob", HttpMethod.Post, "/api/v1/users/bob/account/connections", HttpStatusCode.Conflict, new { network = "twitter", account = "bob" }); // Not opted in yet.
        await SendAsync(host, "alice", HttpMethod.Put, Alice, HttpStatusCode.Created);
        await SendAsync(host, "alice", HttpMethod.Put, Alice, HttpStatusCode.OK);
        await SendAsync(host, "alice", HttpMethod.Post, Alice + "/connections", HttpStatusCode.Created, new { network = "facebook", account = "@Alice" });
        await SendAsync(host, "alice", HttpMethod.Post, Alice + "/connections", HttpStatusCode.OK, new { network = "facebook", account = "alice" });
        var account = await SendAsync(host, "alice", HttpMethod.Post, Alice + "/connections", HttpStatusCode.Created, new { network = "facebook", kind = "page", account = "alicebakery" });
        Assert.Equal(["facebook", "facebookpage"], account.GetProperty("connections").EnumerateArray().Select(c => c.GetProperty("id").GetString()).Order());

        var unknown = await SendAsync(host, "alice", HttpMethod.Post, Alice + "/connections", HttpStatusCode.BadRequest, new { network = "myspace", account = "alice" });
        Assert.True(unknown.GetProperty("errors").TryGetProperty("network", out _), unknown.ToString());
        await SendAsync(host, "alice", HttpMethod.Post, Alice + "/connections", HttpStatusCode.BadRequest, new { network = "twitter", kind = "page", account = "alice" });
        await SendAsync(host, "alice", HttpMethod.Post, Alice + "/connections", HttpStatusCode.BadRequest, new { network = "twitter" });
        await SendAsync(host, "alice", HttpMethod.Post, Alice + "/connections", HttpStatusCode.BadRequest, new { network = "twitter", account = "a/b" });
        await SendAsync(host, "alice", HttpMethod.Post, Alice + "/connections", HttpStatusCode.Conflict, new { network = "facebook", account = "someoneelse" });

        await SendAsync(host, "bob", HttpMethod.Put, "/api/v1/users/bob/account", HttpStatusCode.Created);
        var taken = await SendAsync(host, "bob", HttpMethod.Post, "/api/v1/users/bob/account/connections", HttpStatusCode.Conflict, new { network = "facebook", account = "ALICE" });
        Assert.Contains("another person", taken.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await SendAsync(host, "bob", HttpMethod.Post, Alice + "/connections", HttpStatusCode.Forbidden, new { network = "twitter", account = "bob" });
        await SendAsync(host, "bob", HttpMethod.Get, Alice, HttpStatusCode.Forbidden);
        using (var anonymous = await host.Http.GetAsync(Alice))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        // Refusals wrote nothing: bob holds no claim and has no connection; alice's claims are exactly hers.
        var claims = await RowsAsync(host.Tables.Connections);
        Assert.Equal(["facebook/alice:alice", "facebookpage/alicebakery:alice"], claims.Select(c => $"{c.PartitionKey}/{c.RowKey}:{c.GetString("UserId")}").Order());
        Assert.Empty((await SendAsync(host, "bob", HttpMethod.Get, "/api/v1/users/bob/account", HttpStatusCode.OK)).GetProperty("connections").EnumerateArray());

        await SendAsync(host, "alice", HttpMethod.Delete, Alice + "/connections/myspace", HttpStatusCode.BadRequest);
        await SendAsync(host, "alice", HttpMethod.Delete, Alice + "/connections/tiktok", HttpStatusCode.NotFound);
        await SendAsync(host, "alice", HttpMethod.Delete, Alice + "/connections/facebookpage", HttpStatusCode.OK);
        await SendAsync(host, "bob", HttpMethod.Post, "/api/v1/users/bob/account/connections", HttpStatusCode.Created, new { network = "facebook", kind = "page", account = "alicebakery" });
    }

    [Fact]
    public async Task ShouldNameThePersonInTheirAccountBeforeAndAfterOptingIn()
    {
        await using var host = await TestHost.StartAsync(azurite, Now, TestTokens.Settings);
        const string Alice = "/api/v1/users/alice/account";
        var stranger = await SendAsync(host, "alice", HttpMethod.Get, Alice, HttpStatusCode.OK);
        Assert.Equal(("alice", false), (stranger.GetProperty("userId").GetString(), stranger.GetProperty("optedIn").GetBoolean()));

        await SendAsync(host, "alice", HttpMethod.Put, Alice, HttpStatusCode.Created);
        await SendAsync(host, "alice", HttpMethod.Post, Alice + "/connections", HttpStatusCode.Created, new { network = "twitter", account = "alice" });

        // Read back from her stored row (a point read of the account's columns only), not echoed from a change.
        var member = await SendAsync(host, "alice", HttpMethod.Get, Alice, HttpStatusCode.OK);
        Assert.Equal(("alice", true, true), (member.GetProperty("userId").GetString(), member.GetProperty("optedIn").GetBoolean(), member.GetProperty("scored").GetBoolean()));
        var again = await SendAsync(host, "alice", HttpMethod.Post, Alice + "/connections", HttpStatusCode.OK, new { network = "twitter", account = "alice" }); // Already connected: answered from the read.
        Assert.Equal("alice", again.GetProperty("userId").GetString());
    }

    [Fact]
    public async Task ShouldSayInTheExplanationWhatConnectingAndDisconnectingANetworkDid()
    {
        await using var host = await TestHost.StartAsync(azurite, Now, TestTokens.Settings);
        using (await host.PutMembersBatchAsync("seed", SmallPopulation.Batch(20, Night, 30)))
        {
        }

        await host.RunNightAsync(Night.AddDays(-1));
        var before = (await host.GetJsonAsync("/api/v1/users/u004/score")).GetProperty("score").GetInt32();
        Assert.InRange(before, 1, 100);

        // u004 (twitter) connects Instagram, where it is more active than on twitter (under v2 a second network weaker
        // than the first adds almost nothing, by design, so the hold band would keep the score); the collector backfills it.
        await SendAsync(host, "u004", HttpMethod.Post, "/api/v1/users/u004/account/connections", HttpStatusCode.Created, new { network = "instagram", account = "u004.insta" });
        var instagram = Enumerable.Range(0, 30).Select(d => new { userId = "u004", network = "instagram", day = SmallPopulation.Day(Night.AddDays(-d)), audienceSize = 4_000.0, posts = 1, reactions = 200.0, replies = 10.0, uniqueEngagers = 100.0, views = 6_000.0, saves = 30.0 });
        using (var put = await host.PutBatchAsync("insta", new { signals = instagram }))
        {
            Assert.Equal(0, (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ignoredSignals").GetInt32());
        }

        Assert.Contains("X_instagram", (await host.Tables.Signals.GetEntityAsync<TableEntity>(Shards.KeyOf("u004", 8), "u004")).Value.Keys);

        await host.RunNightAsync(Night);
        var connected = await host.GetJsonAsync("/api/v1/users/u004/explanation");
        // The connection's own effect is positive (a new connection never lowers a score; on 20 people the night's
        // recalibration moves everyone, so the total change is not the test).
        var move = connected.GetProperty("moves").EnumerateArray().Single(m => m.GetProperty("driver").GetString() == "instagram.connected");
        Assert.StartsWith("you connected instagram (@u004.insta)", move.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(move.GetProperty("points").GetDouble() > 0, connected.ToString());

        await SendAsync(host, "u004", HttpMethod.Delete, "/api/v1/users/u004/account/connections/instagram", HttpStatusCode.OK);
        var afterDisconnect = (await host.Tables.Signals.GetEntityAsync<TableEntity>(Shards.KeyOf("u004", 8), "u004")).Value.Keys;
        Assert.DoesNotContain("W_instagram", afterDisconnect);
        Assert.DoesNotContain("X_instagram", afterDisconnect); // Its views and saves go with it.
        host.Clock.Now = Now.AddDays(1);
        await host.RunNightAsync(Night.AddDays(1));
        Assert.Contains(Moves(await host.GetJsonAsync("/api/v1/users/u004/explanation")), m => m.StartsWith("you disconnected instagram", StringComparison.Ordinal));

        // With nothing connected, the person is not scored, looked up or listed from the next night on.
        await SendAsync(host, "u004", HttpMethod.Delete, "/api/v1/users/u004/account/connections/twitter", HttpStatusCode.OK);
        host.Clock.Now = Now.AddDays(2);
        await host.RunNightAsync(Night.AddDays(2));
        using var gone = await host.Http.GetAsync("/api/v1/users/u004/score");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var lookup = await host.Http.PostAsJsonAsync("/api/v1/scores/lookup", new { userIds = new[] { "u004", "u005" } });
        var text = await lookup.Content.ReadAsStringAsync();
        Assert.DoesNotContain("\"score\":" + before + ",\"userId\":\"u004\"", text, StringComparison.Ordinal);
        Assert.Contains("u005", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShouldExportEverythingStoredAboutThePersonToThemOnly()
    {
        await using var host = await TestHost.StartAsync(azurite, Now, TestTokens.Settings);
        await TopicsTests.SeedAsync(host);
        await host.RunNightAsync(Night);
        var export = await SendAsync(host, "u010", HttpMethod.Get, "/api/v1/users/u010/account/export", HttpStatusCode.OK);
        Assert.Equal("u010", export.GetProperty("userId").GetString());
        Assert.Equal("twitter", export.GetProperty("account").GetProperty("connections")[0].GetProperty("network").GetString());
        Assert.Equal(30, export.GetProperty("signals").GetProperty("networks").GetProperty("twitter").GetArrayLength());
        Assert.NotEmpty(export.GetProperty("signals").GetProperty("engagementReceived").EnumerateArray());
        Assert.Equal(Night.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), export.GetProperty("score").GetProperty("history")[0].GetProperty("day").GetString());
        Assert.Equal(6, export.GetProperty("topics").GetProperty("posts").GetArrayLength());
        Assert.Contains(export.GetProperty("topics").GetProperty("profile").GetProperty("topics").EnumerateArray(), t => t.GetProperty("topicId").GetString() == "minnesota-twins");
        Assert.True(export.TryGetProperty("plusK", out _) && export.TryGetProperty("webhookEvents", out _));
        await SendAsync(host, "u011", HttpMethod.Get, "/api/v1/users/u010/account/export", HttpStatusCode.Forbidden);
        await SendAsync(host, "nobody", HttpMethod.Get, "/api/v1/users/nobody/account/export", HttpStatusCode.NotFound);
    }

    internal static async Task<JsonElement> SendAsync(TestHost host, string asUser, HttpMethod method, string url, HttpStatusCode expected, object? body = null)
    {
        using var response = await host.Http.SendAsync(TestTokens.As(asUser, method, url, body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {url}: {(int)response.StatusCode} {text}");
        if ((int)response.StatusCode >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    internal static async Task<List<TableEntity>> RowsAsync(TableClient table)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }

    private static List<string> Moves(JsonElement explanation) =>
        explanation.GetProperty("moves").EnumerateArray().Select(m => m.GetProperty("description").GetString()!).ToList();
}
