using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace InfluenceFunctions.Api.Http;

/// <summary>
/// A refusal as RFC 7807 problem details whose possible statuses are part of its type: each subclass declares them as
/// endpoint metadata (the way <see cref="Ok{TValue}"/> declares its 200), so a handler's return type, say
/// <c>Results&lt;Ok&lt;ScoreView&gt;, ValidationProblem, NotFoundProblem&gt;</c>, describes every answer it can give and
/// the OpenAPI document lists them.
/// </summary>
public abstract class ProblemResult : IResult, IStatusCodeHttpResult
{
    private readonly IResult inner;
    private readonly (string Name, string Value)? header;

    private protected ProblemResult(IResult inner, int status, (string Name, string Value)? header = null)
    {
        this.inner = inner;
        this.header = header;
        StatusCode = status;
    }

    public int? StatusCode { get; }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (header is { } h)
        {
            httpContext.Response.Headers[h.Name] = h.Value;
        }

        return inner.ExecuteAsync(httpContext);
    }

    private protected static void Declare(EndpointBuilder builder, int status, string description, Type? type = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, type ?? typeof(ProblemDetails), [Problems.ProblemJson]) { Description = description });
    }

    private protected static void DeclareRetryAfter(EndpointBuilder builder, string description) =>
        builder.Metadata.Add(new ResponseHeaderMetadata(StatusCodes.Status429TooManyRequests, "Retry-After", description, "integer"));

    private protected static string Seconds(TimeSpan wait) =>
        Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}

/// <summary>404: what the route names is not there (the problem's detail says what).</summary>
public sealed class NotFoundProblem : ProblemResult, IEndpointMetadataProvider
{
    internal NotFoundProblem(ProblemHttpResult problem)
        : base(problem, StatusCodes.Status404NotFound)
    {
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Declare(builder, StatusCodes.Status404NotFound, "Not found: the problem's detail says what is missing.");
}

/// <summary>409: the request clashes with what is stored (the problem's detail says how to go on).</summary>
public sealed class ConflictProblem : ProblemResult, IEndpointMetadataProvider
{
    internal ConflictProblem(ProblemHttpResult problem)
        : base(problem, StatusCodes.Status409Conflict)
    {
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Declare(builder, StatusCodes.Status409Conflict, "Conflict with what is stored: the problem's detail says what, and what to do.");
}

/// <summary>A JSON body refused by <see cref="JsonBody{T}"/>: 415 (not JSON), 413 (too large) or 400 (malformed, naming the field).</summary>
public sealed class BodyProblem : ProblemResult, IEndpointMetadataProvider
{
    internal BodyProblem(IResult problem, int status)
        : base(problem, status)
    {
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Declare(builder, StatusCodes.Status400BadRequest, "Bad input: the problem names the field (`errors`), or \"body\" for the whole body.", typeof(HttpValidationProblemDetails));
        Declare(builder, StatusCodes.Status413PayloadTooLarge, "The body is larger than this route takes (counted as it arrives, chunked or not).");
        Declare(builder, StatusCodes.Status415UnsupportedMediaType, "The body is not application/json.");
    }
}

/// <summary>
/// A refusal about the person a route acts for: 400 for a malformed user id in the route, 401 without a valid bearer
/// token, 403 for a token of another user (or a user who may not do this).
/// </summary>
public sealed class UserProblem : ProblemResult, IEndpointMetadataProvider
{
    internal UserProblem(ProblemHttpResult problem, (string Name, string Value)? header = null)
        : base(problem, problem.StatusCode, header)
    {
    }

    internal UserProblem(ValidationProblem problem)
        : base(problem, StatusCodes.Status400BadRequest)
    {
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Declare(builder, StatusCodes.Status400BadRequest, "Bad input: the problem names the field (`errors`), such as a malformed user id.", typeof(HttpValidationProblemDetails));
        Declare(builder, StatusCodes.Status401Unauthorized, "No valid bearer token (WWW-Authenticate: Bearer).");
        Declare(builder, StatusCodes.Status403Forbidden, "The token is for another user, or this user may not do this.");
    }
}

/// <summary>429 for a limit of the person's own (such as +K a day): Retry-After and resetsUtc say when it resets.</summary>
public sealed class LimitProblem : ProblemResult, IEndpointMetadataProvider
{
    internal LimitProblem(ProblemHttpResult problem, TimeSpan wait)
        : base(problem, StatusCodes.Status429TooManyRequests, ("Retry-After", Seconds(wait)))
    {
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Declare(builder, StatusCodes.Status429TooManyRequests, "A limit was reached; Retry-After (seconds) and resetsUtc say when it resets.");
        DeclareRetryAfter(builder, "Seconds until the limit resets.");
    }
}

/// <summary>A response header a route can send, for the OpenAPI document (ETag, Retry-After, ...).</summary>
public sealed record ResponseHeaderMetadata(int StatusCode, string Name, string Description, string SchemaType = "string");
