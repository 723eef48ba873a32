using Microsoft.AspNetCore.Http;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;

namespace InfluenceFunctions.Api.Partner;

/// <summary>The partner API's refusals beyond <see cref="Http.Problems"/>, in the same RFC 7807 shape.</summary>
public static class PartnerProblems
{
    /// <summary>The same answer for a missing, malformed, unknown, wrong or revoked key: it says nothing else.</summary>
    public static IResult NoValidKey() =>
        TypedResults.Problem(
            $"A valid API key is required in the {PartnerGate.KeyHeader} header.",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized.",
            type: "https://httpstatuses.io/401");

    public static IResult OverQuota(QuotaDecision decision) => new RetryAfterResult(
        TypedResults.Problem(
            $"This key's quota of requests per {decision.Window} is used up; retry after {(int)Math.Ceiling(decision.RetryAfter.TotalSeconds)} s.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests.",
            type: "https://httpstatuses.io/429"),
        (int)Math.Ceiling(decision.RetryAfter.TotalSeconds));

    public static IResult UnsupportedMediaType(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.", type: "https://httpstatuses.io/415");

    private sealed class RetryAfterResult(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
