using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Profile;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Api;
using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace InfluenceFunctions.IntegrationTests.Partner;

[Collection(AzuriteCollection.Name)]
public sealed class PartnerAccessTests(AzuriteFixture azurite)
{
    /// <summary>Every route the local host serves, with a concrete URL: path parameters filled with an existing user, day or key id.</summary>
    internal static IEnumerable<(string Method, string Url)> ServedRoutes(TestHost host) =>
        ApiEndpoints.Of(host.App)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (m, ApiEndpoints.Path(e))))
            .Select(r => (r.Item1, r.Item2.Replace("{userId}", "u001", StringComparison.Ordinal).Replace("{day}", "2026-11-27", StringComparison.Ordinal)
                .Replace("{keyId}", "0123456789ab", StringComparison.Ordinal).Replace("{batchId}", "b1", StringComparison.Ordinal).Replace("{version}", "v1", StringComparison.Ordinal)));

    [Fact]
    public async Task ShouldRefuseEveryRouteButTheOpenApiDocumentWithoutAKey()
    {
        await using var host = await PartnerApiTests.ScoredHostAsync(azurite);
        using var bare = host.Bare();
        var routes = ServedRoutes(host).ToList();
        Assert.Contains(routes, r => r.Url == "/api/" + ApiRoutes.ScoresLookup);
        var open = new[] { "/api/" + ApiRoutes.OpenApi, "/api/" + ProfileRoutes.SignInConfig }; // Open by design, as are the pages outside /api.
        foreach (var (method, url) in routes.Where(r => r.Url.StartsWith("/api/", StringComparison.Ordinal) && !open.Contains(r.Url)))
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = method is "POST" or "PUT" ? JsonContent.Create(new { userIds = new[] { "u001" } }) : null };
            using var response = await bare.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {url} without a key: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        using var openApi = await bare.GetAsync("/api/" + ApiRoutes.OpenApi);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
    }

    [Fact]
    public async Task ShouldAnswerAWrongMalformedOrRevokedKeyWith401ThatSaysNothingAboutTheUser()
    {
        await using var host = await PartnerApiTests.ScoredHostAsync(azurite);
        var (revoked, revokedKey) = await host.Services.GetRequiredService<ApiKeyStore>().CreateAsync("old", null, null, CancellationToken.None);
        using (var revoke = await host.Http.SendAsync(host.Admin(HttpMethod.Delete, $"/api/v1/manage/keys/{revoked.KeyId}")))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        var wrongSecret = host.PartnerKey[..^4] + (host.PartnerKey.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        var bodies = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in new string?[] { null, string.Empty, "nonsense", "ifk_000000000000_" + new string('x', 43), wrongSecret, revokedKey })
        {
            foreach (var url in new[] { "/api/v1/users/u001/score", "/api/v1/users/nobody/score", "/api/v1/users/a%2Fb/score", "/api/v1/users/u001/history?bogus=1" })
            {
                using var bare = host.Bare();
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (key is not null)
                {
                    request.Headers.TryAddWithoutValidation(PartnerGate.KeyHeader, key);
                }

                using var response = await bare.SendAsync(request);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                var problem = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
                problem.Remove("traceId"); // Differs per request by design; everything else must not.
                bodies.Add(problem.ToJsonString());
            }
        }

        Assert.Single(bodies); // One answer for every failure, known user or not.
    }

    [Fact]
    public async Task ShouldCreateListAndRevokeKeysWithTheKeyShownOnceAndStoredAsAHash()
    {
        await using var host = await PartnerApiTests.ScoredHostAsync(azurite);
        using var bare = host.Bare();
        using (var noAdmin = await bare.PostAsJsonAsync("/api/v1/manage/keys", new { name = "acme" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noAdmin.StatusCode);
        }

        using var create = await host.Http.SendAsync(host.Admin(HttpMethod.Post, "/api/v1/manage/keys", JsonContent.Create(new { name = "Acme PR", requestsPerMinute = 50 })));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var created = JsonDocument.Parse(await create.Content.ReadAsStringAsync()).RootElement;
        var key = created.GetProperty("key").GetString()!;
        var keyId = created.GetProperty("keyId").GetString()!;
        Assert.StartsWith("ifk_" + keyId + "_", key, StringComparison.Ordinal);
        Assert.Equal(50, created.GetProperty("requestsPerMinute").GetInt32());
        Assert.Equal(100_000, created.GetProperty("requestsPerDay").GetInt32());

        // Stored: only the HMAC of the key, never the key or its secret part.
        var row = (await host.Services.GetRequiredService<ApiKeyStore>().Table.GetEntityAsync<Azure.Data.Tables.TableEntity>(keyId, ApiKeyEntity.Row)).Value;
        Assert.DoesNotContain(row.Select(c => c.Value), v => v is string s && s.Contains(key[(5 + keyId.Length)..], StringComparison.Ordinal));
        Assert.Equal(host.Services.GetRequiredService<ApiKeyHasher>().Hash(key), row.GetString("Hash"));

        using var list = await host.Http.SendAsync(host.Admin(HttpMethod.Get, "/api/v1/manage/keys"));
        var listed = await list.Content.ReadAsStringAsync();
        Assert.Contains(keyId, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", listed, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(host, key, "/api/v1/users/u001/score"));
        using (var revoke = await host.Http.SendAsync(host.Admin(HttpMethod.Delete, $"/api/v1/manage/keys/{keyId}")))
        {
            Assert.Equal("revoked", JsonDocument.Parse(await revoke.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(host, key, "/api/v1/users/u001/score"));
        using var unknown = await host.Http.SendAsync(host.Admin(HttpMethod.Delete, "/api/v1/manage/keys/ffffffffffff"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var nameless = await host.Http.SendAsync(host.Admin(HttpMethod.Post, "/api/v1/manage/keys", JsonContent.Create(new { requestsPerDay = 0 })));
        var problem = JsonDocument.Parse(await nameless.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.True(problem.TryGetProperty("name", out _));
        Assert.True(problem.TryGetProperty("requestsPerDay", out _));
    }

    [Fact]
    public async Task ShouldAnswer429WithRetryAfterOverTheMinuteAndTheDayQuota()
    {
        await using var host = await PartnerApiTests.ScoredHostAsync(azurite);
        var store = host.Services.GetRequiredService<ApiKeyStore>();
        var (_, perMinute) = await store.CreateAsync("minute", 3, 1000, CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(host, perMinute, "/api/v1/users/u001/score"));
        }

        using (var over = await SendWithKeyAsync(host, perMinute, "/api/v1/users/u001/score"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
            Assert.Equal("application/problem+json", over.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(60), over.Headers.RetryAfter!.Delta); // The clock stands at 03:00:00.
        }

        host.Clock.Now = host.Clock.Now.AddSeconds(61);
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(host, perMinute, "/api/v1/users/u001/score"));

        var (_, perDay) = await store.CreateAsync("day", 100, 2, CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(host, perDay, "/api/v1/users/u001/score"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusWithKeyAsync(host, perDay, "/api/v1/users/nobody/score"));
        using (var over = await SendWithKeyAsync(host, perDay, "/api/v1/users/u001/score"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds((24 * 3600) - (3 * 3600) - 61), over.Headers.RetryAfter!.Delta); // Until midnight UTC.
        }

        // Other keys are not affected.
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(host, host.PartnerKey, "/api/v1/users/u001/score"));
    }

    private static async Task<HttpStatusCode> StatusWithKeyAsync(TestHost host, string key, string url)
    {
        using var response = await SendWithKeyAsync(host, key, url);
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> SendWithKeyAsync(TestHost host, string key, string url)
    {
        using var bare = host.Bare();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add(PartnerGate.KeyHeader, key);
        return await bare.SendAsync(request);
    }
}
