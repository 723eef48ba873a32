using System.ComponentModel.DataAnnotations;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Storage.Partner;

/// <summary>Partner API settings (section "Partner"). Every one has a default; none must be set in Azure.</summary>
public sealed class PartnerOptions
{
    public const string SectionName = "Partner";

    /// <summary>Quota of a key created without one: requests per minute.</summary>
    [Range(1, 1_000_000)]
    public int DefaultRequestsPerMinute { get; set; } = 600;

    /// <summary>Quota of a key created without one: requests per UTC day.</summary>
    [Range(1, 100_000_000)]
    public int DefaultRequestsPerDay { get; set; } = 100_000;

    /// <summary>
    /// How long an instance trusts a verified key before reading it again. A key revoked on another instance
    /// still works here for at most this long (the instance that revokes it forgets it at once).
    /// </summary>
    [Range(0, 3600)]
    public int KeyCacheSeconds { get; set; } = 60;

    /// <summary>How long an unknown user (or one not scored yet) is remembered as such.</summary>
    [Range(0, 86_400)]
    public int NotFoundCacheSeconds { get; set; } = 60;

    /// <summary>
    /// How long a score row older than the latest scheduled run is cached: the run is due but has not finished
    /// (or skipped the user), so look again soon rather than at the next run.
    /// </summary>
    [Range(0, 86_400)]
    public int StaleCacheSeconds { get; set; } = 300;

    /// <summary>Cached score rows per instance; past this the cache starts over (a row is ~1-2 KB).</summary>
    [Range(0, 10_000_000)]
    public int CacheMaxEntries { get; set; } = 200_000;
}
