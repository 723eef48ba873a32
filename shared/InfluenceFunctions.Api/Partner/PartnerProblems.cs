using System.Reflection;
using InfluenceFunctions.Api.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace InfluenceFunctions.Api.Partner;

/// <summary>The partner gate's refusals: 401 for any key that does not open it, 429 over the key's quota (with Retry-After).</summary>
public sealed class PartnerKeyProblem : ProblemResult, IEndpointMetadataProvider
{
    private PartnerKeyProblem(Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult problem, (string Name, string Value)? header = null)
        : base(problem, problem.StatusCode, header)
    {
    }

    /// <summary>The same answer for a missing, malformed, unknown, wrong or revoked key: it says nothing else.</summary>
    public static PartnerKeyProblem NoValidKey() =>
        new(Problems.Unauthorized($"A valid API key is required in the {PartnerGate.KeyHeader} header."));

    public static PartnerKeyProblem OverQuota(QuotaDecision decision) =>
        new(
            Problems.Of(
                StatusCodes.Status429TooManyRequests,
                "Too many requests.",
                $"This key's quota of requests per {decision.Window} is used up; retry after {(int)Math.Ceiling(decision.RetryAfter.TotalSeconds)} s."),
            ("Retry-After", ((int)Math.Ceiling(decision.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Declare(builder, StatusCodes.Status401Unauthorized, "Missing, wrong or revoked API key. Checked before anything else: says nothing about the user.");
        Declare(builder, StatusCodes.Status429TooManyRequests, "Over the key's quota (per minute or per day).");
        DeclareRetryAfter(builder, "Seconds to wait.");
    }
}
