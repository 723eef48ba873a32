using System.ComponentModel.DataAnnotations;

namespace InfluenceFunctions.Storage;

/// <summary>Service settings (section "Influence"). Every name has a default so a fresh clone runs as it is.</summary>
public sealed class InfluenceOptions
{
    public const string SectionName = "Influence";

    /// <summary>
    /// Users are spread over this many shards by a hash of their id; a shard is one Table partition in every
    /// per-user table and one unit of nightly work. Fixed for the life of the data (changing it means a re-shard).
    /// </summary>
    [Range(1, 4096)]
    public int ShardCount { get; set; } = 64;

    /// <summary>Shards per sub-orchestration once there are more shards than this.</summary>
    [Range(1, 1024)]
    public int ShardsPerSubOrchestration { get; set; } = 64;

    /// <summary>Prefix for every table name, so several deployments (or test runs) can share one account.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{0,20}$")]
    public string TablePrefix { get; set; } = "inf";

    /// <summary>Model version the nightly run publishes.</summary>
    public string LiveModelVersion { get; set; } = Scoring.ScoreModels.DefaultLiveVersion;

    /// <summary>
    /// A model version to run in shadow beside the live one (scores kept apart, never served as the score);
    /// each night then produces a diff report, to read before any switch. Empty for none.
    /// </summary>
    public string? ShadowModelVersion { get; set; }

    /// <summary>CRON (with seconds) of the nightly run; the Functions timer reads the same setting.</summary>
    public string NightlySchedule { get; set; } = "0 0 2 * * *";

    /// <summary>Raw indexes each shard contributes to the trailing calibration sample.</summary>
    [Range(0, 10_000)]
    public int CalibrationSamplePerShard { get; set; } = 64;
}

/// <summary>Where the storage account is (section "Storage"): a connection string (Azurite) or service URIs plus a managed identity.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>A connection string; set for Azurite and local runs. Takes precedence over the URIs.</summary>
    public string? ConnectionString { get; set; }

    public Uri? TableServiceUri { get; set; }

    public Uri? QueueServiceUri { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty for DefaultAzureCredential's own choice.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// Retries of one storage request (throttling 503, 500, 408, timeouts, dropped connections), with exponential
    /// backoff: with the defaults the sixth retry comes about a minute after the first attempt, which rides out a
    /// partition's throttling and a short outage; past that the activity fails and the durable retry runs it again.
    /// </summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 6;

    /// <summary>First backoff; it doubles per retry (with the SDK's jitter of ±20%), up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one attempt may take before it counts as timed out and is retried. Table Storage answers a
    /// query page within 5 s and gives a transaction 30 s at most, so a minute means the request is lost.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
