using System.Globalization;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Partner;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace InfluenceFunctions.Api;

/// <summary>
/// What the generated OpenAPI document says beyond what the endpoints' types say: the servers and the security
/// schemes, each operation's scheme (from <see cref="ApiAccessMetadata"/>), the parameters a handler reads itself
/// (<see cref="ApiParameterMetadata"/>), response headers (<see cref="ResponseHeaderMetadata"/>), and what each route
/// parameter is (<see cref="ApiRoutes.ParameterDescriptions"/>).
/// </summary>
internal static class ApiDocumentTransformers
{
    private const string AccessKey = "influence-access";

    private static readonly Dictionary<ApiAccess, string> SchemeOf = new()
    {
        [ApiAccess.Partner] = "apiKey",
        [ApiAccess.Admin] = "functionKey",
        [ApiAccess.User] = "userToken",
    };

    public static Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "InfluenceFunctions API",
            Version = "1.0.0",
            Description = "Social-influence scores (1-100), recalculated nightly, with topics, webhooks and the person's own account. "
                + $"Partner endpoints need an API key in the `{PartnerGate.KeyHeader}` header and are subject to its quota; admin endpoints need the "
                + "Functions admin/function key (`x-functions-key`); a person's own routes need their bearer token. Errors are RFC 7807 problem "
                + "details. Generated from the endpoints; see docs/partner-api.md.",
        };
        document.Servers = [new OpenApiServer { Url = "/" + ApiRoutes.Prefix }];

        // Paths relative to the server URL, as the Functions routes are.
        var paths = new OpenApiPaths();
        foreach (var (path, item) in document.Paths.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            paths.Add(path.StartsWith("/" + ApiRoutes.Prefix + "/", StringComparison.Ordinal) ? path[(ApiRoutes.Prefix.Length + 1)..] : path, item);
        }

        document.Paths = paths;
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
        {
            ["apiKey"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = PartnerGate.KeyHeader,
                Description = "A partner key (ifk_...), made by an admin.",
            },
            ["functionKey"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "x-functions-key",
                Description = "The Functions admin or function key (the local host prints its own).",
            },
            ["userToken"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An end-user token from the configured issuer; its sub must be the user in the route.",
            },
        };

        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
        {
            var access = operation.Metadata?.TryGetValue(AccessKey, out var value) == true ? (ApiAccess)value : ApiAccess.Public;
            operation.Security = SchemeOf.TryGetValue(access, out var scheme)
                ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] }]
                : [];
        }

        return Task.CompletedTask;
    }

    public static Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Metadata ??= new Dictionary<string, object>(StringComparer.Ordinal);
        operation.Metadata[AccessKey] = metadata.OfType<ApiAccessMetadata>().LastOrDefault()?.Access ?? ApiAccess.Public;

        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.In == ParameterLocation.Path && ApiRoutes.ParameterDescriptions.TryGetValue(parameter.Name ?? string.Empty, out var description))
            {
                parameter.Description = description;
            }
        }

        foreach (var declared in metadata.OfType<ApiParameterMetadata>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = declared.Name,
                In = declared.In == ApiParameterPlace.Query ? ParameterLocation.Query : ParameterLocation.Header,
                Required = false,
                Description = declared.Description,
                Schema = new OpenApiSchema { Type = declared.SchemaType == "integer" ? JsonSchemaType.Integer : JsonSchemaType.String, Format = declared.Format },
            });
        }

        // Each declared answer with its own words, and those with no body (such as 304), which the explorer leaves out.
        foreach (var declared in metadata.OfType<IProducesResponseTypeMetadata>().GroupBy(m => m.StatusCode))
        {
            var status = declared.Key.ToString(CultureInfo.InvariantCulture);
            operation.Responses ??= [];
            if (!operation.Responses.TryGetValue(status, out var response))
            {
                operation.Responses[status] = response = new OpenApiResponse();
            }

            var descriptions = declared.Select(m => m.Description).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            if (descriptions.Count == 0 && declared.Key == StatusCodes.Status400BadRequest)
            {
                descriptions.Add("Bad input: the problem names the field (`errors`)."); // ValidationProblem's own metadata has no words.
            }

            if (descriptions.Count > 0 && response is OpenApiResponse concrete)
            {
                concrete.Description = string.Join(" Or: ", descriptions);
            }
        }

        foreach (var header in metadata.OfType<ResponseHeaderMetadata>())
        {
            if (operation.Responses?.TryGetValue(header.StatusCode.ToString(CultureInfo.InvariantCulture), out var response) == true && response is OpenApiResponse concrete)
            {
                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
                concrete.Headers[header.Name] = new OpenApiHeader
                {
                    Description = header.Description,
                    Schema = new OpenApiSchema { Type = header.SchemaType == "integer" ? JsonSchemaType.Integer : JsonSchemaType.String },
                };
            }
        }

        return Task.CompletedTask;
    }
}
