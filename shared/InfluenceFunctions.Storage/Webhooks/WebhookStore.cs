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
/// A partner's webhook endpoint (table "webhookendpoints", PK = partner key id, RK = endpoint id "ep_" + 16 hex).
/// Secrets are stored encrypted (<see cref="WebhookSecretProtector"/>), never in the clear.
/// </summary>
public sealed class WebhookEndpointEntity : ITableEntity
{
    /// <summary>Every endpoint id starts so; the partition's other rows (its <see cref="WebhookEndpointSlotEntity"/> slots) do not.</summary>
    public const string KeyPrefix = "ep_";

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

    /// <summary>Stored as its <see cref="StoredNames"/> spelling ("active", "paused", "disabled", "failing").</summary>
    public string Status { get => StoredNames.Of(EndpointStatus); set => EndpointStatus = StoredNames.Parse(value, WebhookEndpointStatus.Active); }

    [IgnoreDataMember]
    public WebhookEndpointStatus EndpointStatus { get; set; }

    public string StatusReason { get; set; } = string.Empty;

    public DateTimeOffset CreatedUtc { get; set; }

    public DateTimeOffset UpdatedUtc { get; set; }

    /// <summary>The current signing secret, encrypted.</summary>
    public string Secret { get; set; } = string.Empty;

    /// <summary>The secret before the last rotation, encrypted; it signs too until <see cref="PreviousSecretExpiresUtc"/>.</summary>
    public string PreviousSecret { get; set; } = string.Empty;

    public DateTimeOffset? PreviousSecretExpiresUtc { get; set; }

    public DateTimeOffset? SecretRotatedUtc { get; set; }

    /// <summary>
    /// The slot the endpoint holds (<see cref="WebhookEndpointSlotEntity"/>), written with it in one transaction; none
    /// for an endpoint registered before slots, which counts against the cap all the same.
    /// </summary>
    public int? Slot { get; set; }

    public IReadOnlyList<string> EventTypeList() => EventTypes.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public IReadOnlyList<string> UserIdList() => JsonSerializer.Deserialize<List<string>>(UserIds) ?? [];

    public IReadOnlyList<string> TopicList() => JsonSerializer.Deserialize<List<string>>(Topics) ?? [];

    public bool Wants(WebhookEventType type) => EventTypeList().Contains(type.Name(), StringComparer.Ordinal);
}

/// <summary>
/// One of a partner's endpoint slots (table "webhookendpoints", PK = partner key id, RK = "slot|" + slot number, 000 to
/// cap - 1): the cap on endpoints per key, held by storage. An endpoint is inserted with a free slot row in one
/// transaction and deleted with it in one, so two registrations cannot take the same slot, and a failure leaves
/// neither half behind.
/// </summary>
public sealed class WebhookEndpointSlotEntity : ITableEntity
{
    public const string KeyPrefix = "slot|";

    public WebhookEndpointSlotEntity()
    {
    }

    public WebhookEndpointSlotEntity(string partnerId, int slot, string endpointId)
    {
        PartitionKey = partnerId;
        RowKey = KeyFor(slot);
        EndpointId = endpointId;
    }

    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    [IgnoreDataMember]
    public string PartnerId => PartitionKey;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>The endpoint holding the slot (for whoever reads the table; the store needs only the key).</summary>
    public string EndpointId { get; set; } = string.Empty;

    public static string KeyFor(int slot) => KeyPrefix + slot.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The slot number of a slot row key, or null for any other row of the partition.</summary>
    public static int? SlotOf(string rowKey) =>
        rowKey.StartsWith(KeyPrefix, StringComparison.Ordinal) && int.TryParse(rowKey.AsSpan(KeyPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var slot) ? slot : null;
}

/// <summary>What a registration came to.</summary>
public enum EndpointRegistration
{
    Registered,

    /// <summary>The key holds its cap of endpoints: nothing was written.</summary>
    CapReached,

    /// <summary>Registrations and deletions of the key kept taking the slots it tried: nothing was written.</summary>
    Contended,
}

/// <summary>Whether an endpoint gets its events.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(KebabCaseEnumConverter<WebhookEndpointStatus>))]
public enum WebhookEndpointStatus
{
    Active,

    /// <summary>By the partner; events are held until it is resumed.</summary>
    Paused,

    /// <summary>The receiver answered 410 Gone; events are held until it is resumed.</summary>
    Disabled,

    /// <summary>An event ran out of attempts; deliveries go on, and the next success makes it active again.</summary>
    Failing,
}

/// <summary>Where an event is in its delivery (stored in the event row's State).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(KebabCaseEnumConverter<WebhookEventState>))]
public enum WebhookEventState
{
    /// <summary>Written to the outbox, not yet on the queue.</summary>
    Pending,
    Queued,
    Retrying,
    Delivered,

    /// <summary>Out of attempts (in the poison queue); replay sends it again.</summary>
    Failed,

    /// <summary>Not sent because the endpoint is paused or disabled; resuming the endpoint sends it.</summary>
    Held,
}

/// <summary>What one delivery attempt came to.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(KebabCaseEnumConverter<WebhookAttemptOutcome>))]
public enum WebhookAttemptOutcome
{
    Delivered,
    Retrying,

    /// <summary>Out of attempts.</summary>
    Failed,

    /// <summary>The receiver answered 410 Gone: the endpoint is disabled.</summary>
    Disabled,
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

    /// <summary><see cref="Type"/> as its enum (the stored column is the wire name).</summary>
    [IgnoreDataMember]
    public WebhookEventType EventType
    {
        get => WebhookEventTypes.TryParse(Type, out var type) ? type : throw new InvalidOperationException($"Unknown stored event type '{Type}'.");
        set => Type = value.Name();
    }

    public string Subject { get; set; } = string.Empty;

    /// <summary>The Standard Webhooks body: {"type", "timestamp", "data"}.</summary>
    public string Payload { get; set; } = string.Empty;

    public DateTimeOffset? EnqueuedUtc { get; set; }

    /// <summary>Its <see cref="WebhookEventState"/>, by its <see cref="StoredNames"/> spelling; none until first queued.</summary>
    public string? State { get; set; }

    [IgnoreDataMember]
    public WebhookEventState DeliveryState => StoredNames.Parse(State, WebhookEventState.Pending);

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

    /// <summary><see cref="Type"/> as its enum (the stored column is the wire name).</summary>
    [IgnoreDataMember]
    public WebhookEventType EventType
    {
        get => WebhookEventTypes.TryParse(Type, out var type) ? type : throw new InvalidOperationException($"Unknown stored event type '{Type}'.");
        set => Type = value.Name();
    }

    public int Attempt { get; set; }

    public DateTimeOffset AtUtc { get; set; }

    /// <summary>The HTTP status, or 0 when there was no answer (timeout, refused, reset, blocked address).</summary>
    public int StatusCode { get; set; }

    /// <summary>Stored as its <see cref="StoredNames"/> spelling ("delivered", "retrying", "failed", "disabled").</summary>
    public string Outcome { get => StoredNames.Of(AttemptOutcome); set => AttemptOutcome = StoredNames.Parse(value, WebhookAttemptOutcome.Failed); }

    [IgnoreDataMember]
    public WebhookAttemptOutcome AttemptOutcome { get; set; }

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
    /// <summary>Just past every endpoint id ("ep`" follows "ep_..."): the end of the endpoints' key range.</summary>
    private const string EndpointKeyEnd = "ep`";

    /// <summary>Attempts past the cap's worth before a registration gives up (deletions keep freeing slots others take).</summary>
    private const int MaxSlotRetries = 8;

    private readonly string queueName = options.Value.QueueNameFor(influence.Value);

    /// <summary>
    /// PK = partner key id, RK = endpoint id ("ep_...") or one of the partner's endpoint slots ("slot|NNN"). Small
    /// (endpoints per partner are capped): the nightly emitters read its endpoints whole (<see cref="ListEndpointsAsync"/>).
    /// </summary>
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

    /// <summary>
    /// Inserts <paramref name="endpoint"/> with a free slot of its partner in one transaction, so the cap holds however
    /// many register at once. Two storage calls: one partition query (the row keys and slots of the partner's endpoints
    /// and slot rows), then the transaction. A slot taken meanwhile fails the transaction whole (409), and we look again.
    /// </summary>
    public async Task<EndpointRegistration> RegisterEndpointAsync(WebhookEndpointEntity endpoint, int maxEndpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);

        // Each lost race is another registration's win, so with no deletions in between a registration is decided within
        // maxEndpoints + 1 tries; only registrations and deletions racing on and on get past this bound.
        for (var attempt = 1; attempt <= maxEndpoints + MaxSlotRetries; attempt++)
        {
            var (taken, unslotted) = await ReadSlotsAsync(endpoint.PartnerId, cancellationToken);

            // Endpoints from before slots hold none but count: they take slots off the top of the range. They only ever
            // go away, so the range only grows and two registrations can never both fit past the cap.
            var range = maxEndpoints - unslotted;
            var free = Enumerable.Range(0, Math.Max(0, range)).Where(slot => !taken.Contains(slot)).ToList();
            if (free.Count == 0 || taken.Count + unslotted >= maxEndpoints)
            {
                return EndpointRegistration.CapReached;
            }

            endpoint.Slot = free[Random.Shared.Next(free.Count)]; // Random, so racing registrations mostly pick different slots.
            try
            {
                await Endpoints.SubmitTransactionAsync(
                    [
                        new TableTransactionAction(TableTransactionActionType.Add, new WebhookEndpointSlotEntity(endpoint.PartnerId, endpoint.Slot.Value, endpoint.EndpointId)),
                        new TableTransactionAction(TableTransactionActionType.Add, endpoint),
                    ],
                    cancellationToken);
                return EndpointRegistration.Registered;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                // Another registration took the slot between our read and write: read again.
            }
        }

        endpoint.Slot = null;
        return EndpointRegistration.Contended;
    }

    /// <summary>
    /// Deletes the endpoint as read (its ETag: a 412 when it changed meanwhile) and frees its slot, in one transaction.
    /// While the endpoint row exists its slot is its own, so the slot row goes unconditionally.
    /// </summary>
    public async Task DeleteEndpointAsync(WebhookEndpointEntity endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.Slot is not { } slot)
        {
            await Endpoints.DeleteEntityAsync(endpoint.PartitionKey, endpoint.RowKey, endpoint.ETag, cancellationToken); // Registered before slots.
            return;
        }

        try
        {
            await Endpoints.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Delete, endpoint, endpoint.ETag),
                    new TableTransactionAction(TableTransactionActionType.Delete, new WebhookEndpointSlotEntity(endpoint.PartitionKey, slot, endpoint.EndpointId), ETag.All),
                ],
                cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 404 && e.FailedTransactionActionIndex == 1)
        {
            // No slot row (removed by hand): nothing to free, and the endpoint must still go.
            await Endpoints.DeleteEntityAsync(endpoint.PartitionKey, endpoint.RowKey, endpoint.ETag, cancellationToken);
        }
    }

    /// <summary>The partner's taken slot numbers, and how many of its endpoints hold no slot (registered before slots).</summary>
    private async Task<(HashSet<int> Taken, int Unslotted)> ReadSlotsAsync(string partnerId, CancellationToken cancellationToken)
    {
        var taken = new HashSet<int>();
        var unslotted = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partnerId}");
        await foreach (var row in Endpoints.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: [nameof(ITableEntity.RowKey), nameof(WebhookEndpointEntity.Slot)], cancellationToken: cancellationToken))
        {
            if (WebhookEndpointSlotEntity.SlotOf(row.RowKey) is { } slot)
            {
                taken.Add(slot);
            }
            else if (row.RowKey.StartsWith(WebhookEndpointEntity.KeyPrefix, StringComparison.Ordinal) && row.GetInt32(nameof(WebhookEndpointEntity.Slot)) is null)
            {
                unslotted++;
            }
        }

        return (taken, unslotted);
    }

    /// <summary>Endpoints (never their slot rows): one partner's, or every partner's when <paramref name="partnerId"/> is null.</summary>
    public async Task<IReadOnlyList<WebhookEndpointEntity>> ListEndpointsAsync(string? partnerId, CancellationToken cancellationToken)
    {
        var filter = partnerId is null
            ? TableClient.CreateQueryFilter($"RowKey ge {WebhookEndpointEntity.KeyPrefix} and RowKey lt {EndpointKeyEnd}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partnerId} and RowKey ge {WebhookEndpointEntity.KeyPrefix} and RowKey lt {EndpointKeyEnd}");
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
