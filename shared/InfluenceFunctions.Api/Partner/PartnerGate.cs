using InfluenceFunctions.Storage.Partner;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InfluenceFunctions.Api.Partner;

/// <summary>
/// Proof that a request passed the gate. Only <see cref="PartnerGate"/> can make one, and every partner
/// handler takes one, so a partner endpoint cannot be wired without the key check and the quota.
/// </summary>
public sealed class PartnerCaller
{
    internal PartnerCaller(ApiKeyGrant key) => Key = key;

    public ApiKeyGrant Key { get; }
}

/// <summary>
/// The one way into a partner handler, in both hosts: the API key is checked before anything else (so a caller
/// without one learns nothing, not even whether a user exists), then the key's quota, then the handler runs.
/// </summary>
public sealed class PartnerGate(ApiKeyStore keys, QuotaLimiter quotas)
{
    public const string KeyHeader = "x-api-key";

    /// <summary>The handler's answer, or the gate's refusal (401, 429): both are in the result's type.</summary>
    public async Task<Results<TResult, PartnerKeyProblem>> RunAsync<TResult>(HttpRequest request, Func<PartnerCaller, Task<TResult>> handler)
        where TResult : IResult
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handler);
        var presented = request.Headers[KeyHeader];
        var key = presented.Count == 1 ? await keys.VerifyAsync(presented[0], request.HttpContext.RequestAborted) : null;
        if (key is null)
        {
            return PartnerKeyProblem.NoValidKey();
        }

        var decision = quotas.TryTake(key);
        return decision.Allowed ? await handler(new PartnerCaller(key)) : PartnerKeyProblem.OverQuota(decision);
    }
}
