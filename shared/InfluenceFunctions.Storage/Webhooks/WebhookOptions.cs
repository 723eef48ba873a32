using System.ComponentModel.DataAnnotations;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Storage.Webhooks;

/// <summary>Partner webhook settings (section "Webhooks"). Defaults are the production schedule; tests shorten the delays.</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>The master key the endpoints' signing secrets are encrypted under (a Key Vault reference in Azure).</summary>
    public const string MasterKeySetting = "Webhooks:SecretMasterKey";

    /// <summary>
    /// The delivery queue's name. The Functions queue trigger binds "%Webhooks:QueueName%", so Azure sets it; empty
    /// means "{Influence:TablePrefix}-webhooks" (what the Bicep sets for the default prefix). The poison queue is
    /// this name + "-poison", as the Functions host names its own.
    /// </summary>
    [RegularExpression("^[a-z0-9][a-z0-9-]{2,55}$")]
    public string? QueueName { get; set; }

    /// <summary>How long one delivery may take (the Standard Webhooks timeout is 15 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Attempts per event, the first included. With the default delays the last is about three days after the first.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 16;

    /// <summary>The delay after the first failed attempt; each further failure doubles it (with ±20% jitter).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest delay between two attempts (a Retry-After is capped here too). At most 7 days: the queue's limit.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long the previous secret keeps signing after a rotation (both signatures are sent meanwhile).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan SecretRotationOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Hosts that may be plain http and resolve to any address (loopback included). Development and tests only: the
    /// app refuses to start in Azure with any host here.
    /// </summary>
    public IList<string> AllowedHttpHosts { get; } = [];

    /// <summary>Endpoints one partner key may hold.</summary>
    [Range(1, 1000)]
    public int MaxEndpointsPerPartner { get; set; } = 20;

    /// <summary>Local host only: how often the poller looks at an empty queue.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Local host only: deliveries in flight at once.</summary>
    [Range(1, 256)]
    public int PollerConcurrency { get; set; } = 16;

    public string QueueNameFor(InfluenceOptions influence)
    {
        ArgumentNullException.ThrowIfNull(influence);
        return string.IsNullOrEmpty(QueueName) ? (influence.TablePrefix + "-webhooks").ToLowerInvariant() : QueueName;
    }
}
