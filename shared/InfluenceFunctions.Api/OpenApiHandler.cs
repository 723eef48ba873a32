using System.Globalization;
using System.Text.Json.Nodes;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Partner;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi;

namespace InfluenceFunctions.Api;

/// <summary>
/// GET /api/openapi.json: the OpenAPI document, generated (Microsoft.AspNetCore.OpenApi) from the endpoint map both
/// hosts share. The map is built once in-process, in an application that is never started, so the Functions app,
/// which has no minimal-API endpoints of its own, serves the very same document as the local host
/// (docs/decisions/0010-one-http-layer-generated-openapi.md).
/// </summary>
public sealed class OpenApiHandler
{
    public const string DocumentName = "v1";

    private static readonly Lazy<Task<string>> Document = new(() => Task.Run(GenerateAsync));

    /// <summary>The document's JSON (generated on first use; a second or two, once per process).</summary>
    public static string Load() => Document.Value.GetAwaiter().GetResult();

    public async Task<Results<CachedJson<JsonObject>, ValidationProblem>> GetAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (PartnerInput.UnknownQuery(request) is { } queryProblem)
        {
            return queryProblem;
        }

        var json = await Document.Value.WaitAsync(cancellationToken);
        return CachedResource.Serialized<JsonObject>(System.Text.Encoding.UTF8.GetBytes(json), TimeSpan.FromHours(1));
    }

    /// <summary>Maps the endpoints into an application that is built but never started, and asks it for the document.</summary>
    private static async Task<string> GenerateAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(OpenApiHandler).Assembly.GetName().Name,
            EnvironmentName = Environments.Production, // No build-time validation of services this application never resolves.
        });
        builder.Services.AddInfluence(); // The handler types, so the endpoints bind them as services, not as bodies.
        builder.Services.ConfigureHttpJsonOptions(options => JsonBodies.Configure(options.SerializerOptions)); // Schemas as bodies are read.
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer(ApiDocumentTransformers.DescribeDocumentAsync);
            options.AddOperationTransformer(ApiDocumentTransformers.DescribeOperationAsync);
        });
        builder.Logging.ClearProviders();
        await using var app = builder.Build();

        // UseEndpoints, unlike mapping on the application, hands the endpoints to routing (and so to the API explorer) now,
        // without starting a server.
        app.UseRouting();
#pragma warning disable ASP0014 // Top-level mapping reaches routing only when the application starts, and this one never does.
        app.UseEndpoints(endpoints => endpoints.MapInfluenceApi(_ => false));
#pragma warning restore ASP0014
        var document = await app.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>(DocumentName).GetOpenApiDocumentAsync();
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        document.SerializeAsV31(new OpenApiJsonWriter(text));
        return text.ToString();
    }
}
