using Microsoft.AspNetCore.Builder;

namespace InfluenceFunctions.Api.Http;

/// <summary>Who may call a route, as endpoint metadata: the OpenAPI document names the matching security scheme.</summary>
public enum ApiAccess
{
    /// <summary>Anyone (the OpenAPI document itself).</summary>
    Public,

    /// <summary>A partner API key in the x-api-key header, checked by the partner gate, with its quota.</summary>
    Partner,

    /// <summary>The Functions admin or function key (x-functions-key): ingestion and management.</summary>
    Admin,

    /// <summary>The person's own bearer token: their account, hidden topics and +K.</summary>
    User,
}

/// <summary>A route's <see cref="ApiAccess"/>, as endpoint metadata (set on the route group).</summary>
public sealed record ApiAccessMetadata(ApiAccess Access);

/// <summary>Where a declared parameter is sent.</summary>
public enum ApiParameterPlace
{
    Query,
    Header,
}

/// <summary>
/// A query or header parameter a handler reads from the request itself (so the endpoint's signature does not show it).
/// The handler checks the query against the same declarations, so the document and the check cannot disagree.
/// </summary>
public sealed record ApiParameterMetadata(string Name, ApiParameterPlace In, string Description, string SchemaType = "string", string? Format = null);

public static class ApiMetadataEndpoints
{
    /// <summary>Declares the query parameters a handler reads (<see cref="ApiParameterMetadata"/>).</summary>
    public static RouteHandlerBuilder WithQuery(this RouteHandlerBuilder builder, params IReadOnlyList<ApiParameterMetadata> parameters)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata([.. parameters]);
    }
}
