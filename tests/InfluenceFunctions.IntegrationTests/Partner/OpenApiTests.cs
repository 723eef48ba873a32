using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using InfluenceFunctions.Api.Http;
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

    private static string FunctionsMetadataPath()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        return Path.Combine(RepoRoot.Find(), "functions", "InfluenceFunctions.Functions", "bin", configuration, "net10.0", "functions.metadata");
    }

    /// <summary>Each operation of the document: its verb in capitals, its path (relative to /api) and itself.</summary>
    private static IEnumerable<(string Verb, string Path, JsonElement Operation)> Operations(JsonElement root) =>
        root.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(o => Verbs.Contains(o.Name))
            .Select(o => (o.Name.ToUpperInvariant(), path.Name, o.Value)));

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
        var served = new SortedSet<string>(ApiEndpoints.Of(app).SelectMany(ApiEndpoints.Operations), StringComparer.Ordinal);
        Assert.Equal(served, Documented());

        // What the description leaves out is what is not API: the reference page and its script, the profile and card
        // pages with the redirect to them, and the local host's development sign-in. Nothing else.
        var excluded = ApiEndpoints.All(app).Where(ApiEndpoints.IsExcluded).Select(ApiEndpoints.Path).ToList();
        Assert.NotEmpty(excluded);
        var pages = ProfileRoutes.Pages.Select(p => "/" + p).Append("/").ToHashSet(StringComparer.Ordinal);
        Assert.All(excluded, path => Assert.True(
            path.StartsWith("/api/docs", StringComparison.Ordinal) || path.StartsWith("/api/dev/", StringComparison.Ordinal) || pages.Contains(path),
            $"{path} is left out of the OpenAPI document"));
    }

    [Fact]
    public void ShouldDocumentExactlyTheRoutesTheFunctionsAppServes()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(FunctionsMetadataPath()));
        var served = new SortedSet<string>(
            metadata.RootElement.EnumerateArray()
                .Select(f => f.GetProperty("bindings").EnumerateArray().First())
                .Where(b => b.GetProperty("type").GetString() == "httpTrigger" && !ProfileRoutes.Pages.Contains(b.GetProperty("route").GetString()))
                .SelectMany(b => b.GetProperty("methods").EnumerateArray().Select(m => $"{m.GetString()!.ToUpperInvariant()} /api/{b.GetProperty("route").GetString()}")),
            StringComparer.Ordinal);
        Assert.Equal(served, Documented());
    }

    [Fact]
    public void ShouldNameEachOperationAfterTheFunctionThatServesIt()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(FunctionsMetadataPath()));
        var functions = metadata.RootElement.EnumerateArray()
            .Select(f => (Name: f.GetProperty("name").GetString()!, Trigger: f.GetProperty("bindings").EnumerateArray().First()))
            .Where(f => f.Trigger.GetProperty("type").GetString() == "httpTrigger" && !ProfileRoutes.Pages.Contains(f.Trigger.GetProperty("route").GetString())) // Pages are no API operations.
            .SelectMany(f => f.Trigger.GetProperty("methods").EnumerateArray().Select(m => (Operation: $"{m.GetString()!.ToUpperInvariant()} /{f.Trigger.GetProperty("route").GetString()}", f.Name)))
            .ToDictionary(f => f.Operation, f => f.Name, StringComparer.Ordinal);
        using var document = JsonDocument.Parse(OpenApiHandler.Load());
        var named = Operations(document.RootElement).ToDictionary(o => $"{o.Verb} {o.Path}", o => o.Operation.GetProperty("operationId").GetString()!, StringComparer.Ordinal);
        Assert.NotEmpty(named);
        Assert.Equal(functions.OrderBy(f => f.Key, StringComparer.Ordinal), named.OrderBy(n => n.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void ShouldDescribeEveryOperationsParametersBodyAndAnswersWithProblemDetails()
    {
        var app = LocalApp.Build([], b => b.Configuration["LocalHost:RunSchedule"] = "false");
        var bodyRoutes = new HashSet<string>(
            ApiEndpoints.Of(app).Where(e => e.Metadata.GetMetadata<IJsonBodyMetadata>() is not null).SelectMany(ApiEndpoints.Operations),
            StringComparer.Ordinal);
        Assert.True(bodyRoutes.Count >= 8, $"only {bodyRoutes.Count} body routes");
        using var document = JsonDocument.Parse(OpenApiHandler.Load());
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var operations = Operations(document.RootElement).ToList();
        Assert.Equal(ApiEndpoints.Of(app).SelectMany(ApiEndpoints.Operations).Count(), operations.Count);
        foreach (var (verb, path, operation) in operations)
        {
            var label = $"{verb} /api{path}";
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), label);

            // Every route parameter, described.
            var parameters = operation.TryGetProperty("parameters", out var list) ? list.EnumerateArray().ToList() : [];
            foreach (Match name in Regex.Matches(path, "{([^}]+)}"))
            {
                var parameter = parameters.SingleOrDefault(p => p.GetProperty("in").GetString() == "path" && p.GetProperty("name").GetString() == name.Groups[1].Value);
                Assert.True(parameter.ValueKind == JsonValueKind.Object, $"{label}: no path parameter {name.Value}");
                Assert.True(parameter.GetProperty("required").GetBoolean(), label);
                Assert.False(string.IsNullOrWhiteSpace(parameter.GetProperty("description").GetString()), $"{label}: {name.Value} is not described");
            }

            // The JSON body of each route that reads one, with its schema; none where there is none.
            if (bodyRoutes.Contains(label))
            {
                var reference = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
                Assert.True(schemas.TryGetProperty(reference["#/components/schemas/".Length..], out var schema) && schema.GetProperty("properties").EnumerateObject().Any(), $"{label}: {reference}");
            }
            else
            {
                Assert.False(operation.TryGetProperty("requestBody", out _), $"{label} documents a body it does not read");
            }

            // A success, and each refusal as problem details, described.
            var responses = operation.GetProperty("responses").EnumerateObject().ToDictionary(r => int.Parse(r.Name, System.Globalization.CultureInfo.InvariantCulture), r => r.Value);
            Assert.Contains(responses.Keys, status => status is >= 200 and < 300);
            Assert.All(responses, r => Assert.False(string.IsNullOrWhiteSpace(r.Value.GetProperty("description").GetString()), $"{label} {r.Key}"));
            foreach (var (status, response) in responses.Where(r => r.Key >= 400))
            {
                var problem = response.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString();
                Assert.True(problem is "#/components/schemas/ProblemDetails" or "#/components/schemas/HttpValidationProblemDetails", $"{label} {status}: {problem}");
            }

            var scheme = operation.GetProperty("security").EnumerateArray().SelectMany(s => s.EnumerateObject().Select(p => p.Name)).SingleOrDefault();
            int[] refusals = scheme switch
            {
                "apiKey" => [401, 429],
                "functionKey" => [401],
                "userToken" => [401, 403],
                _ => [],
            };
            Assert.All(refusals.Concat(bodyRoutes.Contains(label) ? [400, 413, 415] : []), status => Assert.True(responses.ContainsKey(status), $"{label} does not document {status}"));
        }
    }

    [Fact]
    public void ShouldDeclareEveryBodyReaderOnTheRouteThatReadsWithIt()
    {
        // A handler reads its body with a static JsonBody; the route declaring it is what the document and the body
        // tests see. A reader no route declares would be a body route they both miss.
        var readers = typeof(InfluenceApi).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static))
            .Where(f => f.FieldType.IsGenericType && f.FieldType.GetGenericTypeDefinition() == typeof(JsonBody<>))
            .Select(f => (IJsonBodyMetadata)f.GetValue(null)!)
            .ToList();
        Assert.True(readers.Count >= 8, $"only {readers.Count} body readers");
        var app = LocalApp.Build([], b => b.Configuration["LocalHost:RunSchedule"] = "false");
        var declared = ApiEndpoints.Of(app).Select(e => e.Metadata.GetMetadata<IJsonBodyMetadata>()).OfType<IJsonBodyMetadata>().ToList();
        Assert.All(readers, reader => Assert.Single(declared, d => ReferenceEquals(d, reader)));
        Assert.Equal(readers.Count, declared.Count);
    }

    [Fact]
    public void ShouldDescribeThePostReceiptsStoredAndIgnoredPosts()
    {
        using var document = JsonDocument.Parse(OpenApiHandler.Load());
        var ok = document.RootElement.GetProperty("paths").GetProperty("/v1/ingest/posts/{batchId}").GetProperty("put").GetProperty("responses").GetProperty("200");
        var reference = ok.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
        var receipt = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(reference["#/components/schemas/".Length..]);
        var required = receipt.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ToList();
        foreach (var (name, meaning) in new[] { ("posts", "Posts stored:"), ("ignoredPosts", "Posts not stored:") })
        {
            var property = receipt.GetProperty("properties").GetProperty(name);
            Assert.Equal("integer", property.GetProperty("type").GetString());
            Assert.StartsWith(meaning, property.GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.Contains(name, required);
        }
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

    [Fact]
    public async Task ShouldServeTheApiReferencePageItsScriptsAndTheDocumentFromThisHost()
    {
        await using var host = await TestHost.StartAsync(azurite, PartnerApiTests.Now);
        using var bare = host.Bare();
        using var page = await bare.GetAsync("/api/docs");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        // No internet where it may run, and no third party told who reads the docs: every script is this host's.
        var scripts = Regex.Matches(html, "<script[^>]*\\ssrc=\"([^\"]+)\"").Select(m => new Uri(page.RequestMessage!.RequestUri!, m.Groups[1].Value)).ToList();
        Assert.Equal(2, scripts.Count); // The reference itself and its start-up module.
        foreach (var script in scripts)
        {
            Assert.Equal(bare.BaseAddress!.Authority, script.Authority);
            using var answer = await bare.GetAsync(script);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains("javascript", answer.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            Assert.True((await answer.Content.ReadAsByteArrayAsync()).Length > 1000, $"{script} is nearly empty");
        }

        // The document it reads: its start-up module resolves a relative source against the site's root.
        var source = Regex.Match(html, "\"sources\":\\[\\{[^\\]]*\"url\":\"([^\"]+)\"").Groups[1].Value;
        Assert.False(Uri.IsWellFormedUriString(source, UriKind.Absolute), source);
        using var document = await bare.GetAsync("/" + source.TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Equal(OpenApiHandler.Load(), await document.Content.ReadAsStringAsync());
        Assert.DoesNotContain("\"telemetry\":true", html, StringComparison.Ordinal);
    }
}
