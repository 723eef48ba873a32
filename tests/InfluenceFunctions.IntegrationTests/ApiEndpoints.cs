using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace InfluenceFunctions.IntegrationTests;

/// <summary>
/// The API routes of a built local host: every endpoint but those excluded from the OpenAPI description, which are
/// only the reference page under /api/docs (OpenApiTests checks that nothing else is excluded).
/// </summary>
internal static class ApiEndpoints
{
    public static IEnumerable<RouteEndpoint> All(IEndpointRouteBuilder app) =>
        app.DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>();

    public static IEnumerable<RouteEndpoint> Of(IEndpointRouteBuilder app) => All(app).Where(e => !IsExcluded(e));

    public static bool IsExcluded(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription == true;

    /// <summary>"GET /api/v1/...", one per method.</summary>
    public static IEnumerable<string> Operations(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {Path(endpoint)}");

    public static string Path(RouteEndpoint endpoint) => "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
}
