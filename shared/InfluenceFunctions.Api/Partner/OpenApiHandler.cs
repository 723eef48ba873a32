using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Workflows.Nightly;

namespace InfluenceFunctions.Api.Partner;

/// <summary>GET /api/openapi.json: the hand-written OpenAPI 3 document (an embedded resource; a test keeps it equal to the routes served).</summary>
public sealed class OpenApiHandler
{
    private readonly string document = Load();

    public static string Load()
    {
        using var stream = typeof(OpenApiHandler).Assembly.GetManifestResourceStream("InfluenceFunctions.openapi.json")
            ?? throw new InvalidOperationException("The embedded OpenAPI document is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public IResult Get(HttpRequest request) =>
        PartnerInput.UnknownQuery(request) ?? CachedResource.Text(document, "application/json; charset=utf-8", TimeSpan.FromHours(1));
}
