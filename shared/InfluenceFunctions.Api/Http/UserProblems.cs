using InfluenceFunctions.Api.Auth;
using InfluenceFunctions.Domain.Ingestion;
using Microsoft.AspNetCore.Http;

namespace InfluenceFunctions.Api.Http;

/// <summary>RFC 7807 answers of the end-user endpoints (401, 403, 429), with the headers each status calls for.</summary>
public static class UserProblems
{
    public static UserProblem Forbidden(string detail) =>
        new(Problems.Of(StatusCodes.Status403Forbidden, "Forbidden.", detail));

    public static UserProblem Unauthenticated(string detail) =>
        new(Problems.Unauthorized(detail), ("WWW-Authenticate", "Bearer"));

    /// <summary>429 with the reset time as Retry-After (seconds) and as a field.</summary>
    public static LimitProblem TooManyRequests(string detail, DateTimeOffset resetsUtc, DateTimeOffset now, IDictionary<string, object?> extensions)
    {
        ArgumentNullException.ThrowIfNull(extensions);
        extensions["resetsUtc"] = resetsUtc;
        return new LimitProblem(Problems.Of(StatusCodes.Status429TooManyRequests, "Limit reached.", detail, extensions), resetsUtc - now);
    }

    /// <summary>
    /// Null when <paramref name="userId"/> is a valid id and the request is authenticated as that user; else the
    /// refusal (400 for the id, 401, or 403).
    /// </summary>
    public static async Task<UserProblem?> RequireSelfAsync(UserTokenValidator validator, HttpRequest request, string userId)
    {
        ArgumentNullException.ThrowIfNull(validator);
        if (IngestionValidator.ValidateUserId(userId) is { } error)
        {
            return new UserProblem(Problems.Invalid("userId", error));
        }

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
}
