using Microsoft.AspNetCore.Http;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;

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

    public async Task<IResult> RunAsync(HttpRequest request, Func<PartnerCaller, Task<IResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handler);
        var presented = request.Headers[KeyHeader];
        var key = presented.Count == 1 ? await keys.VerifyAsync(presented[0], request.HttpContext.RequestAborted) : null;
        if (key is null)
        {
            return PartnerProblems.NoValidKey();
        }

        var decision = quotas.TryTake(key);
        return decision.Allowed ? await handler(new PartnerCaller(key)) : PartnerProblems.OverQuota(decision);
    }
}
