using System.Net;
using System.Text.Json;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.Profile;
using InfluenceFunctions.Api;
using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage;
using Microsoft.AspNetCore.Routing;

namespace InfluenceFunctions.IntegrationTests.Partner;

/// <summary>The OpenAPI document against what the two hosts really serve: no route missing, none invented.</summary>
public sealed class OpenApiTests
{
    private static readonly string[] Verbs = ["get", "put", "post", "delete", "patch", "head", "options"];

    private static SortedSet<string> Documented()
    {
        using var document = JsonDocument.Parse(OpenApiHandler.Load());
        var root = document.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("/api", root.GetProperty("servers")[0].GetProperty("url").GetString());
        var operations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => Verbs.Contains(o.Name)))
            {
                operations.Add($"{operation.Name.ToUpperInvariant()} /api{path.Name}");
            }
        }

        return operations;
    }

    [Fact]
    public void ShouldDocumentExactlyTheRoutesTheLocalHostServes()
    {
        var app = LocalApp.Build([], b => b.Configuration["LocalHost:RunSchedule"] = "false");
        var served = new SortedSet<string>(
            ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
                .Where(e => e.Metadata.GetMetadata<LocalHostOnly>() is null && !ProfileRoutes.Pages.Contains(e.RoutePattern.RawText!.TrimStart('/'))) // The pages are not API.
                .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}")),
            StringComparer.Ordinal);
        Assert.Equal(served, Documented());
    }

    [Fact]
    public void ShouldDocumentExactlyTheRoutesTheFunctionsAppServes()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var path = Path.Combine(RepoRoot.Find(), "functions", "InfluenceFunctions.Functions", "bin", configuration, "net10.0", "functions.metadata");
        using var metadata = JsonDocument.Parse(File.ReadAllText(path));
        var served = new SortedSet<string>(
            metadata.RootElement.EnumerateArray()
                .Select(f => f.GetProperty("bindings").EnumerateArray().First())
                .Where(b => b.GetProperty("type").GetString() == "httpTrigger" && !ProfileRoutes.Pages.Contains(b.GetProperty("route").GetString()))
                .SelectMany(b => b.GetProperty("methods").EnumerateArray().Select(m => $"{m.GetString()!.ToUpperInvariant()} /api/{b.GetProperty("route").GetString()}")),
            StringComparer.Ordinal);
        Assert.Equal(served, Documented());
    }

    [Fact]
    public void ShouldRequireTheApiKeyOnEveryPartnerOperationAndTheFunctionKeyOnEveryAdminOne()
    {
        using var document = JsonDocument.Parse(OpenApiHandler.Load());
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => Verbs.Contains(o.Name)))
            {
                var schemes = operation.Value.GetProperty("security").EnumerateArray().SelectMany(s => s.EnumerateObject().Select(p => p.Name)).ToList();
                // End-user actions (hide a topic, +K, the person's account) are the user's own: a bearer token, not a partner key.
                var endUser = path.Name.EndsWith("/hidden", StringComparison.Ordinal) || path.Name.EndsWith("/plusk", StringComparison.Ordinal) || path.Name.Contains("/account", StringComparison.Ordinal) || path.Name.EndsWith("/profile", StringComparison.Ordinal);
                var expected = path.Name is "/openapi.json" or "/v1/signin/config" ? [] : path.Name.StartsWith("/v1/manage/", StringComparison.Ordinal) || path.Name.StartsWith("/v1/ingest/", StringComparison.Ordinal) ? new[] { "functionKey" } : endUser ? ["userToken"] : ["apiKey"];
                Assert.True(expected.SequenceEqual(schemes), $"{operation.Name} {path.Name}: {string.Join(",", schemes)}");
            }
        }
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class OpenApiServedTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ShouldServeTheDocumentWithoutAKey()
    {
        await using var host = await TestHost.StartAsync(azurite, PartnerApiTests.Now);
        using var bare = host.Bare();
        using var response = await bare.GetAsync("/api/openapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(OpenApiHandler.Load(), await response.Content.ReadAsStringAsync());
    }
}
