using System.Globalization;
using Microsoft.AspNetCore.Http;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Auth;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Api.Http;

/// <summary>RFC 7807 answers of the end-user endpoints (401, 403, 429), with the headers each status calls for.</summary>
public static class UserProblems
{
    public static IResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.", type: "https://httpstatuses.io/403");

    public static IResult Unauthenticated(string detail) =>
        new WithHeader(Problems.Unauthorized(detail), "WWW-Authenticate", "Bearer");

    /// <summary>429 with the reset time as Retry-After (seconds) and as a field.</summary>
    public static IResult TooManyRequests(string detail, DateTimeOffset resetsUtc, DateTimeOffset now, IDictionary<string, object?> extensions)
    {
        ArgumentNullException.ThrowIfNull(extensions);
        extensions["resetsUtc"] = resetsUtc;
        var seconds = Math.Max(1, (long)Math.Ceiling((resetsUtc - now).TotalSeconds));
        return new WithHeader(
            TypedResults.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Limit reached.", type: "https://httpstatuses.io/429", extensions: extensions),
            "Retry-After",
            seconds.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Null when the request is authenticated as <paramref name="userId"/>; else the refusal (401 or 403).</summary>
    public static async Task<IResult?> RequireSelfAsync(UserTokenValidator validator, HttpRequest request, string userId)
    {
        ArgumentNullException.ThrowIfNull(validator);
        var identity = await validator.AuthenticateAsync(request);
        if (identity is null)
        {
            return Unauthenticated("A bearer token is required: this action is the user's own.");
        }

        if (!identity.Authenticated)
        {
            return Unauthenticated(identity.Error!);
        }

        return identity.UserId == userId ? null : Forbidden($"The token is for another user; a user acts only as themselves (route user '{userId}').");
    }

    private sealed class WithHeader(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
