using System.Runtime.Serialization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Storage.Webhooks;

/// <summary>
/// A partner's webhook endpoint (table "webhookendpoints", PK = partner key id, RK = endpoint id). Secrets are stored
/// encrypted (<see cref="WebhookSecretProtector"/>), never in the clear.
/// </summary>
public sealed class WebhookEndpointEntity : ITableEntity
{
    public WebhookEndpointEntity()
    {
    }

    public WebhookEndpointEntity(string partnerId, string endpointId)
    {
        PartitionKey = partnerId;
        RowKey = endpointId;
    }

    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    [IgnoreDataMember]
    public string PartnerId => PartitionKey;

    [IgnoreDataMember]
    public string EndpointId => RowKey;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Url { get; set; } = string.Empty;

    public string Description { get; set; } = string.Empty;

    /// <summary>Subscribed event types, comma-separated.</summary>
    public string EventTypes { get; set; } = string.Empty;

    /// <summary>JSON array of user ids; empty array = every user.</summary>
    public string UserIds { get; set; } = "[]";

    /// <summary>JSON array of topics; empty array = every topic.</summary>
    public string Topics { get; set; } = "[]";

    public int MinScoreChange { get; set; }

    /// <summary>"active", "paused" (by the partner), "disabled" (the receiver answered 410) or "failing" (an event ran out of attempts).</summary>
    public string Status { get; set; } = WebhookStatuses.Active;

    public string StatusReason { get; set; } = string.Empty;

    public DateTimeOffset CreatedUtc { get; set; }

    public DateTimeOffset UpdatedUtc { get; set; }

    /// <summary>The current signing secret, encrypted.</summary>
    public string Secret { get; set; } = string.Empty;

    /// <summary>The secret before the last rotation, encrypted; it signs too until <see cref="PreviousSecretExpiresUtc"/>.</summary>
    public string PreviousSecret { get; set; } = string.Empty;

    public DateTimeOffset? PreviousSecretExpiresUtc { get; set; }

    public DateTimeOffset? SecretRotatedUtc { get; set; }

    public IReadOnlyList<string> EventTypeList() => EventTypes.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public IReadOnlyList<string> UserIdList() => JsonSerializer.Deserialize<List<string>>(UserIds) ?? [];

    public IReadOnlyList<string> TopicList() => JsonSerializer.Deserialize<List<string>>(Topics) ?? [];

    public bool Wants(string type) => EventTypeList().Contains(type, StringComparer.Ordinal);
}

public static class WebhookStatuses
{
    public const string Active = "active";
    public const string Paused = "paused";
    public const string Disabled = "disabled";
    public const string Failing = "failing";
}

/// <summary>Where an event is in its delivery.</summary>
public static class WebhookEventStates
{
    /// <summary>Written to the outbox, not yet on the queue.</summary>
    public const string Pending = "pending";
    public const string Queued = "queued";
    public const string Retrying = "retrying";
    public const string Delivered = "delivered";

    /// <summary>Out of attempts (in the poison queue); replay sends it again.</summary>
    public const string Failed = "failed";

    /// <summary>Not sent because the endpoint is paused or disabled; resuming the endpoint sends it.</summary>
    public const string Held = "held";
}

/// <summary>
/// An event in the outbox (table "webhookevents", PK = endpoint id, RK = event id "evt_{yyyyMMdd}_{hash}"). The
/// emitters write only the payload columns (merge), so a re-run leaves the delivery columns as they are. The same
/// partition holds the endpoint's attempt log (RK "att_..."), so an attempt and the event's new state are one
/// transaction.
/// </summary>
public sealed class WebhookEventEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    [IgnoreDataMember]
    public string EndpointId => PartitionKey;

    [IgnoreDataMember]
    public string EventId => RowKey;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string PartnerId { get; set; } = string.Empty;

    public string Type { get; set; } = string.Empty;

    public string Subject { get; set; } = string.Empty;

    /// <summary>The Standard Webhooks body: {"type", "timestamp", "data"}.</summary>
    public string Payload { get; set; } = string.Empty;

    public DateTimeOffset? EnqueuedUtc { get; set; }

    public string? State { get; set; }

    public int? Attempts { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? DeliveredUtc { get; set; }

    public DateTimeOffset? NextAttemptUtc { get; set; }

    /// <summary>The queue message that holds the right to send (generation, attempt): one POST per claim.</summary>
    public string? ClaimedBy { get; set; }

    /// <summary>How many times the event was put on the queue anew (first queueing 1; a resume or a replay adds one).</summary>
    public int? ClaimedGeneration { get; set; }

    public int? ClaimedAttempt { get; set; }
}

/// <summary>One delivery attempt, in the endpoint's partition of "webhookevents" (RK "att_{newest-first ticks}_{event id}_{attempt}_{random}").</summary>
public sealed class WebhookAttemptEntity : ITableEntity
{
    public const string Prefix = "att_";

    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string EventId { get; set; } = string.Empty;

    public string Type { get; set; } = string.Empty;

    public int Attempt { get; set; }

    public DateTimeOffset AtUtc { get; set; }

    /// <summary>The HTTP status, or 0 when there was no answer (timeout, refused, reset, blocked address).</summary>
    public int StatusCode { get; set; }

    /// <summary>"delivered", "retrying", "failed" (out of attempts) or "disabled" (410).</summary>
    public string Outcome { get; set; } = string.Empty;

    public double LatencyMs { get; set; }

    public string Error { get; set; } = string.Empty;

    public DateTimeOffset? NextAttemptUtc { get; set; }

    /// <summary>The receiver's Retry-After (not stored).</summary>
    [IgnoreDataMember]
    public TimeSpan? RetryAfter { get; set; }

    public static string KeyFor(DateTimeOffset at, string eventId, int attempt) =>
        $"{Prefix}{(long.MaxValue - at.UtcTicks).ToString("D19", System.Globalization.CultureInfo.InvariantCulture)}_{eventId}_{attempt:D2}_{Random.Shared.Next(0x10000):x4}"; // Suffix: a replay in the same tick is another row.
}

/// <summary>The webhook tables and queues. Key design in docs/storage.md.</summary>
public sealed class WebhookStore(StorageClientFactory factory, IOptions<WebhookOptions> options, IOptions<InfluenceOptions> influence)
{
    private readonly string queueName = options.Value.QueueNameFor(influence.Value);

    /// <summary>PK = partner key id, RK = endpoint id. Small (endpoints per partner are capped): the nightly emitters read it whole.</summary>
    public TableClient Endpoints { get; } = factory.Table("webhookendpoints");

    /// <summary>PK = endpoint id, RK = event id (outbox) or "att_..." (attempt log).</summary>
    public TableClient Events { get; } = factory.Table("webhookevents");

    public QueueClient Queue => factory.QueueService.GetQueueClient(queueName);

    public QueueClient PoisonQueue => factory.QueueService.GetQueueClient(queueName + "-poison");

    private int created;

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref created) == 1)
        {
            return;
        }

        await Endpoints.CreateIfNotExistsAsync(cancellationToken);
        await Events.CreateIfNotExistsAsync(cancellationToken);
        await Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await PoisonQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        Volatile.Write(ref created, 1);
    }

    public async Task<WebhookEndpointEntity?> GetEndpointAsync(string partnerId, string endpointId, CancellationToken cancellationToken)
    {
        var response = await Endpoints.GetEntityIfExistsAsync<WebhookEndpointEntity>(partnerId, endpointId, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public async Task<IReadOnlyList<WebhookEndpointEntity>> ListEndpointsAsync(string? partnerId, CancellationToken cancellationToken)
    {
        var filter = partnerId is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {partnerId}");
        var rows = new List<WebhookEndpointEntity>();
        try
        {
            await foreach (var row in Endpoints.QueryAsync<WebhookEndpointEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
            {
                rows.Add(row);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return []; // No endpoint was ever registered: the table is made with the first.
        }

        return rows;
    }

    public async Task<WebhookEventEntity?> GetEventAsync(string endpointId, string eventId, CancellationToken cancellationToken)
    {
        var response = await Events.GetEntityIfExistsAsync<WebhookEventEntity>(endpointId, eventId, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Every endpoint's outbox events about one subject (a user id): a filtered scan, for rare requests (export, erasure).</summary>
    public async Task<List<WebhookEventEntity>> EventsAboutAsync(string subject, CancellationToken cancellationToken)
    {
        var events = new List<WebhookEventEntity>();
        try
        {
            await foreach (var row in Events.QueryAsync<WebhookEventEntity>(TableClient.CreateQueryFilter($"Subject eq {subject}"), maxPerPage: 1000, cancellationToken: cancellationToken))
            {
                events.Add(row);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No webhook endpoint was ever registered, so the table was never made.
        }

        return events;
    }
}
