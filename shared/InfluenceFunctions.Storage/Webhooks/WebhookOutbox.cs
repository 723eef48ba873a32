using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Storage.Webhooks;

/// <summary>An event for one endpoint, as the emitters make it.</summary>
public sealed record OutboxEvent(string PartnerId, string EndpointId, string EventId, WebhookEventType Type, string Subject, string Payload);

/// <summary>
/// What goes on the delivery queue: a reference to the outbox row, which attempt this is, and of which generation (the
/// first queueing is 1; resuming held events or a replay queues the event anew, one generation up). Two messages of the
/// same generation and attempt are duplicates (a send retried after its response was lost, a dispatch re-run): the
/// delivery claims the event before sending, so only one of them POSTs.
/// </summary>
public sealed record WebhookDelivery(string PartnerId, string EndpointId, string EventId, int Attempt, bool Replay = false, int Generation = 1)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static WebhookDelivery? TryParse(string text)
    {
        try
        {
            var message = JsonSerializer.Deserialize<WebhookDelivery>(text, Json);
            return message is { PartnerId.Length: > 0, EndpointId.Length: > 0, Attempt: > 0 } && WebhookEventIds.LooksValid(message.EventId) ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// The outbox: events are written first (idempotently, keyed by their deterministic id), then put on the queue once.
/// A row's EnqueuedUtc is set (with its ETag) after its message is sent, so a re-run finds it set and sends nothing;
/// a crash between the send and the mark queues it again at worst, as a duplicate of the same generation, which the
/// delivery's claim drops (<see cref="WebhookDelivery"/>): the receiver sees the event once.
/// </summary>
public sealed partial class WebhookOutbox(WebhookStore store, TimeProvider clock, ILogger<WebhookOutbox> logger)
{
    public static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    /// <summary>The Standard Webhooks body: {"type", "timestamp", "data"}.</summary>
    public static string Payload(WebhookEventType type, DateTimeOffset timestamp, object data) =>
        JsonSerializer.Serialize(new { type = type.Name(), timestamp = timestamp.UtcDateTime, data }, PayloadJson);

    /// <summary>
    /// Writes events whose payload is a function of their id (a night's score events): merge of the payload columns
    /// only, 100 per transaction, so a re-run writes the same bytes and keeps the delivery columns.
    /// </summary>
    public async Task WriteAsync(IReadOnlyCollection<OutboxEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        await store.CreateIfNotExistsAsync(cancellationToken);
        await TableBatches.UpsertAsync(store.Events, events.Select(Row), TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>Writes events whose payload may differ on a re-run (run summary, announcement): the first write wins.</summary>
    public async Task AddIfAbsentAsync(IEnumerable<OutboxEvent> events, CancellationToken cancellationToken)
    {
        var list = events.ToList();
        if (list.Count == 0)
        {
            return;
        }

        await store.CreateIfNotExistsAsync(cancellationToken);
        foreach (var e in list)
        {
            try
            {
                await store.Events.AddEntityAsync(Row(e), cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Already written by an earlier run: keep it.
            }
        }
    }

    /// <summary>
    /// Writes one-off events (an announcement, an erasure notice) if absent, then queues those not queued yet: a repeat
    /// sends nothing new. Returns how many were queued now.
    /// </summary>
    public async Task<int> PublishAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        await AddIfAbsentAsync(events, cancellationToken);
        var unsent = new List<WebhookEventEntity>();
        foreach (var e in events)
        {
            if (await store.GetEventAsync(e.EndpointId, e.EventId, cancellationToken) is { EnqueuedUtc: null } row)
            {
                unsent.Add(row);
            }
        }

        await EnqueueAsync(unsent, WebhookEventState.Queued, cancellationToken);
        return unsent.Count;
    }

    /// <summary>Puts every event of the endpoint in [from, to) that has not been queued yet on the queue. Returns how many.</summary>
    public async Task<int> EnqueuePendingAsync(string endpointId, string from, string to, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {endpointId} and RowKey ge {from} and RowKey lt {to}");
        var pending = new List<WebhookEventEntity>();
        await foreach (var row in store.Events.QueryAsync<WebhookEventEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey", "PartnerId", "EnqueuedUtc"], cancellationToken: cancellationToken))
        {
            if (row.EnqueuedUtc is null)
            {
                pending.Add(row);
            }
        }

        await EnqueueAsync(pending, WebhookEventState.Queued, cancellationToken);
        return pending.Count;
    }

    /// <summary>Re-queues the endpoint's held events (it was paused or disabled and is active again).</summary>
    public async Task<int> EnqueueHeldAsync(string endpointId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {endpointId} and RowKey ge {WebhookEventIds.Prefix} and RowKey lt {"evt`"} and State eq {StoredNames.Of(WebhookEventState.Held)}");
        var held = new List<WebhookEventEntity>();
        await foreach (var row in store.Events.QueryAsync<WebhookEventEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey", "PartnerId", "EnqueuedUtc", "ClaimedGeneration"], cancellationToken: cancellationToken))
        {
            held.Add(row);
        }

        await EnqueueAsync(held, WebhookEventState.Queued, anew: true, replay: false, cancellationToken);
        return held.Count;
    }

    /// <summary>
    /// Sends one message per row (attempt 1), then marks the rows queued, 100 per transaction. A replay queues the event
    /// anew (one generation up), so it is sent again even though it was delivered.
    /// </summary>
    public Task EnqueueAsync(IReadOnlyList<WebhookEventEntity> rows, WebhookEventState state, CancellationToken cancellationToken, bool replay = false) =>
        EnqueueAsync(rows, state, anew: replay, replay, cancellationToken);

    private async Task EnqueueAsync(IReadOnlyList<WebhookEventEntity> rows, WebhookEventState state, bool anew, bool replay, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        // First queueing is generation 1 whatever happened before (a re-run's message duplicates the first one's);
        // queueing anew is one past the generation last claimed.
        await store.CreateIfNotExistsAsync(cancellationToken);
        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (row, ct) =>
            await SendAsync(new WebhookDelivery(row.PartnerId, row.EndpointId, row.EventId, 1, replay, anew ? (row.ClaimedGeneration ?? 0) + 1 : 1), TimeSpan.Zero, ct));
        var now = clock.GetUtcNow();
        foreach (var partition in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(TableBatches.MaxBatch))
            {
                var marks = chunk.Select(r => new TableTransactionAction(
                    TableTransactionActionType.UpdateMerge,
                    new TableEntity(r.PartitionKey, r.RowKey) { ["EnqueuedUtc"] = now, ["State"] = StoredNames.Of(state), ["NextAttemptUtc"] = now },
                    replay ? ETag.All : r.ETag)).ToList();
                try
                {
                    await store.Events.SubmitTransactionAsync(marks, cancellationToken);
                }
                catch (TableTransactionFailedException e) when (e.Status == 412)
                {
                    // One row changed meanwhile (its delivery already ran, which sets EnqueuedUtc itself): mark the rest one by one.
                    LogConcurrentMark(logger, partition.Key);
                    foreach (var mark in marks)
                    {
                        try
                        {
                            await store.Events.UpdateEntityAsync((TableEntity)mark.Entity, mark.ETag, TableUpdateMode.Merge, cancellationToken);
                        }
                        catch (RequestFailedException one) when (one.Status == 412)
                        {
                        }
                    }
                }
            }
        }
    }

    public async Task SendAsync(WebhookDelivery delivery, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await store.Queue.SendMessageAsync(delivery.Serialize(), visibilityTimeout: delay, cancellationToken: cancellationToken);
    }

    public async Task SendToPoisonAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await store.PoisonQueue.SendMessageAsync(delivery.Serialize(), timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: cancellationToken);
    }

    private static TableEntity Row(OutboxEvent e) => new(e.EndpointId, e.EventId)
    {
        ["PartnerId"] = e.PartnerId,
        ["Type"] = e.Type.Name(),
        ["Subject"] = e.Subject,
        ["Payload"] = e.Payload,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "An outbox row of endpoint {EndpointId} changed while being marked queued; marking the rest one by one")]
    private static partial void LogConcurrentMark(ILogger logger, string endpointId);
}

/// <summary>Builds outbox events with ids that are deterministic per (night, subject, type, endpoint), so a re-run writes the same rows.</summary>
public static class OutboxEvents
{
    public static OutboxEvent For(WebhookEndpointEntity endpoint, DateOnly day, string subject, WebhookEventType type, DateTimeOffset occurred, object data)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return new(endpoint.PartnerId, endpoint.EndpointId, WebhookEventIds.For(day, subject, type, endpoint.EndpointId), type, subject, WebhookOutbox.Payload(type, occurred, data));
    }
}
