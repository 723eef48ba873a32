using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace InfluenceFunctions.IntegrationTests.Profile;

/// <summary>The profile API and the public card page against Azurite and the Durable engine (the page itself: BrowserTests).</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class ProfileApiTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Night = new(2026, 11, 27);
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ShouldServeThePersonTheirOwnProfileOnlyAndExplainEveryRefusal()
    {
        await using var host = await ScoredHostAsync();
        using var bare = host.Bare();

        using (var anonymous = await bare.GetAsync("/api/v1/users/u001/profile"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        }

        using (var someoneElse = await bare.SendAsync(TestTokens.As("u002", HttpMethod.Get, "/api/v1/users/u001/profile")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, someoneElse.StatusCode);
            Assert.Equal("application/problem+json", someoneElse.Content.Headers.ContentType?.MediaType);
        }

        using (var partnerKeyOnly = await host.Http.GetAsync("/api/v1/users/u001/profile"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, partnerKeyOnly.StatusCode); // A partner key is not the person.
        }

        using var own = await bare.SendAsync(TestTokens.As("u001", HttpMethod.Get, "/api/v1/users/u001/profile"));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var profile = await own.Content.ReadFromJsonAsync<JsonElement>();
        var partnerView = await host.GetJsonAsync("/api/v1/users/u001/score");
        var score = profile.GetProperty("score");
        Assert.Equal(partnerView.GetProperty("score").GetInt32(), score.GetProperty("score").GetInt32());
        Assert.Equal("scored", score.GetProperty("status").GetString());
        Assert.Equal(2, profile.GetProperty("history").GetProperty("days").GetArrayLength()); // Two nights run.
        Assert.Equal(partnerView.GetProperty("moves").GetArrayLength(), score.GetProperty("moves").GetArrayLength());
        foreach (var move in score.GetProperty("moves").EnumerateArray())
        {
            Assert.DoesNotMatch(DriverId(), move.GetProperty("sentence").GetString()!);
        }

        var connections = profile.GetProperty("account").GetProperty("connections");
        Assert.Equal("twitter", connections.EnumerateArray().Single().GetProperty("id").GetString());
        Assert.Equal(5, profile.GetProperty("plusK").GetProperty("remainingToday").GetInt32());
        Assert.True(profile.GetProperty("plusK").GetProperty("topics").GetArrayLength() > 200); // What +K can be given in.
        Assert.Equal(JsonValueKind.Null, profile.GetProperty("erasure").ValueKind);
    }

    [Fact]
    public async Task ShouldSayWhyAPersonWithNothingConnectedIsNotScored()
    {
        await using var host = await ScoredHostAsync();
        using var bare = host.Bare();
        using (var optIn = await bare.SendAsync(TestTokens.As("newcomer", HttpMethod.Put, "/api/v1/users/newcomer/account")))
        {
            Assert.Equal(HttpStatusCode.Created, optIn.StatusCode);
        }

        using var response = await bare.SendAsync(TestTokens.As("newcomer", HttpMethod.Get, "/api/v1/users/newcomer/profile"));
        var score = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("score");
        Assert.Equal("unscored", score.GetProperty("status").GetString());
        Assert.Equal("no connected network", score.GetProperty("reason").GetString());
        Assert.StartsWith("Connect a network below", score.GetProperty("whatNext").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShouldShowTheCardPageUntilThePersonWithdrawsThen404AtOnce()
    {
        await using var host = await ScoredHostAsync();
        using var bare = host.Bare();
        using (var card = await bare.GetAsync("/u/u001"))
        {
            Assert.Equal(HttpStatusCode.OK, card.StatusCode);
            Assert.Equal("text/html", card.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-store", card.Headers.CacheControl?.ToString());
            var html = await card.Content.ReadAsStringAsync();
            Assert.Contains("<svg", html, StringComparison.Ordinal);
            Assert.Contains("u001: influence score", html, StringComparison.Ordinal);
        }

        using (var disconnect = await bare.SendAsync(TestTokens.As("u001", HttpMethod.Delete, "/api/v1/users/u001/account/connections/twitter")))
        {
            Assert.Equal(HttpStatusCode.OK, disconnect.StatusCode);
        }

        using (var api = await bare.GetAsync("/u/u001"))
        {
            Assert.Equal(HttpStatusCode.NotFound, api.StatusCode); // Before any night runs: withdrawal counts at once.
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        }

        using var browser = new HttpRequestMessage(HttpMethod.Get, "/u/u001");
        browser.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var page = await bare.SendAsync(browser);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("No card here", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var unknown = await bare.GetAsync("/u/nobody");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private async Task<TestHost> ScoredHostAsync()
    {
        var host = await TestHost.StartAsync(azurite, Now, TestTokens.Settings);
        using (var put = await host.PutMembersBatchAsync("profile", SmallPopulation.Batch(10, Night, 30)))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await host.RunNightAsync(Night.AddDays(-1));
        await host.RunNightAsync(Night);
        return host;
    }

    [GeneratedRegex(@"\b[a-z]+\.[a-z]+_[a-z_]+\b")]
    private static partial Regex DriverId();
}
