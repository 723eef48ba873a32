using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Webhooks;

namespace InfluenceFunctions.Workflows.Webhooks;

public enum DeliveryResult
{
    Delivered,
    Retrying,
    Failed,
    Disabled,
    Held,
    Dropped,
}

/// <summary>The backoff between attempts: exponential from the base delay, ±20% jitter, capped; a Retry-After is a floor.</summary>
public static class WebhookRetry
{
    /// <param name="failedAttempt">The attempt that just failed (1 = the first).</param>
    public static TimeSpan Delay(WebhookOptions options, int failedAttempt, TimeSpan? retryAfter, double jitter01)
    {
        ArgumentNullException.ThrowIfNull(options);
        var exponential = options.RetryBaseDelay.TotalSeconds * Math.Pow(2, Math.Min(failedAttempt - 1, 30));
        var capped = Math.Min(exponential, options.RetryMaxDelay.TotalSeconds);
        var jittered = capped * (0.8 + (0.4 * jitter01));
        var seconds = Math.Max(jittered, retryAfter?.TotalSeconds ?? 0);
        return TimeSpan.FromSeconds(Math.Min(seconds, options.RetryMaxDelay.TotalSeconds));
    }

    /// <summary>The delay before every retry, without jitter (for the docs and a test of the three-day span).</summary>
    public static IReadOnlyList<TimeSpan> Schedule(WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Enumerable.Range(1, options.MaxAttempts - 1).Select(a => Delay(options, a, null, 0.5)).ToList();
    }
}

/// <summary>
/// Sends one queued delivery: the event's Standard Webhooks POST, signed with the endpoint's secret (and the previous
/// one during a rotation). 2xx: delivered. 410: the endpoint is disabled and its events held. Anything else (429,
/// 5xx, other statuses, timeout, refused or dropped connection, an address the SSRF guard refuses): a new message for
/// the next attempt, made visible after the backoff; after the last attempt the message goes to the poison queue and
/// the endpoint is marked failing. Every attempt is logged. Both hosts run this: the Functions queue trigger and the
/// local host's poller.
/// </summary>
public sealed partial class WebhookDeliveryProcessor(
    WebhookStore store,
    WebhookOutbox outbox,
    WebhookSecretProtector secrets,
    WebhookAddressPolicy policy,
    IHttpClientFactory httpClients,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookDeliveryProcessor> logger)
{
    public const string HttpClientName = "webhooks";

    /// <param name="message">The queue message's text (a <see cref="WebhookDelivery"/>).</param>
    /// <param name="messageId">
    /// The queue message's id: the delivery claims the event under it before it POSTs, so of two messages of the same
    /// generation and attempt only one sends, and the same message seen again (after a crash) still may.
    /// </param>
    public async Task<DeliveryResult> ProcessAsync(string message, string messageId, CancellationToken cancellationToken)
    {
        var delivery = WebhookDelivery.TryParse(message);
        if (delivery is null)
        {
            LogMalformed(logger);
            await store.PoisonQueue.SendMessageAsync(message, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: cancellationToken);
            return DeliveryResult.Dropped;
        }

        var endpoint = await store.GetEndpointAsync(delivery.PartnerId, delivery.EndpointId, cancellationToken);
        var row = endpoint is null ? null : await store.GetEventAsync(delivery.EndpointId, delivery.EventId, cancellationToken);
        if (endpoint is null || row is null)
        {
            return DeliveryResult.Dropped; // The endpoint was deleted.
        }

        if (row.DeliveryState == WebhookEventState.Delivered && !delivery.Replay)
        {
            return DeliveryResult.Dropped; // A duplicate message of a delivered event.
        }

        var now = clock.GetUtcNow();
        if (endpoint.EndpointStatus is WebhookEndpointStatus.Paused or WebhookEndpointStatus.Disabled)
        {
            await WriteStateAsync(row, new TableEntity(row.PartitionKey, row.RowKey) { ["State"] = StoredNames.Of(WebhookEventState.Held), ["EnqueuedUtc"] = row.EnqueuedUtc ?? now }, null, cancellationToken);
            return DeliveryResult.Held;
        }

        if (!await ClaimAsync(row, delivery, messageId, now, cancellationToken))
        {
            LogDuplicate(logger, row.EventId, delivery.Attempt, messageId);
            return DeliveryResult.Dropped; // Another message of this generation and attempt holds it.
        }

        var attempt = await SendAsync(endpoint, row, delivery.Attempt, cancellationToken);
        var state = new TableEntity(row.PartitionKey, row.RowKey)
        {
            ["Attempts"] = delivery.Attempt,
            ["LastStatusCode"] = attempt.StatusCode,
            ["LastError"] = attempt.Error,
            ["EnqueuedUtc"] = row.EnqueuedUtc ?? now, // So a re-run never queues it again, even if the outbox's own mark lost a race.
        };

        // The endpoint's new status, if any, is written after the event's own state and attempt row: whoever sees the
        // status (a partner reading "failing" or "disabled", a resume looking for held events) finds the event as it says.
        DeliveryResult result;
        (WebhookEndpointStatus Status, string Reason)? endpointChange = null;
        if (attempt.StatusCode is >= 200 and < 300)
        {
            result = DeliveryResult.Delivered;
            attempt.AttemptOutcome = WebhookAttemptOutcome.Delivered;
            state["State"] = StoredNames.Of(WebhookEventState.Delivered);
            state["DeliveredUtc"] = now;
            if (endpoint.EndpointStatus == WebhookEndpointStatus.Failing)
            {
                endpointChange = (WebhookEndpointStatus.Active, string.Empty);
            }
        }
        else if (attempt.StatusCode == (int)HttpStatusCode.Gone)
        {
            result = DeliveryResult.Disabled;
            attempt.AttemptOutcome = WebhookAttemptOutcome.Disabled;
            state["State"] = StoredNames.Of(WebhookEventState.Held);
            endpointChange = (WebhookEndpointStatus.Disabled, $"The receiver answered 410 Gone at {now:O}; resume the endpoint to deliver its held events.");
        }
        else if (delivery.Attempt < options.Value.MaxAttempts)
        {
            result = DeliveryResult.Retrying;
            var delay = WebhookRetry.Delay(options.Value, delivery.Attempt, attempt.RetryAfter, Random.Shared.NextDouble());
            attempt.AttemptOutcome = WebhookAttemptOutcome.Retrying;
            attempt.NextAttemptUtc = now + delay;
            state["State"] = StoredNames.Of(WebhookEventState.Retrying);
            state["NextAttemptUtc"] = now + delay;
            await WriteStateAsync(row, state, attempt, cancellationToken);

            // After the state is written, so a quick next attempt's outcome is never overwritten by this one's.
            await outbox.SendAsync(delivery with { Attempt = delivery.Attempt + 1 }, delay, cancellationToken);
            LogAttempt(logger, row.EventId, delivery.Attempt, attempt.StatusCode, attempt.Outcome, attempt.LatencyMs);
            return result;
        }
        else
        {
            result = DeliveryResult.Failed;
            attempt.AttemptOutcome = WebhookAttemptOutcome.Failed;
            state["State"] = StoredNames.Of(WebhookEventState.Failed);
            await outbox.SendToPoisonAsync(delivery, cancellationToken);
            endpointChange = (WebhookEndpointStatus.Failing, $"Event {row.EventId} failed {delivery.Attempt} attempts (last: {Describe(attempt)}); it is in the poison queue and can be replayed.");
        }

        if (row.EventType == WebhookEventType.UserErased && result is DeliveryResult.Delivered or DeliveryResult.Failed)
        {
            // The one event that must name an erased person: once delivered (or given up on) it no longer does.
            state["Payload"] = WebhookOutbox.Payload(row.EventType, now, new { redacted = true });
        }

        await WriteStateAsync(row, state, attempt, cancellationToken);
        if (endpointChange is { } change)
        {
            await SetEndpointStatusAsync(endpoint, change.Status, change.Reason, cancellationToken);
        }

        LogAttempt(logger, row.EventId, delivery.Attempt, attempt.StatusCode, attempt.Outcome, attempt.LatencyMs);
        return result;
    }

    /// <summary>
    /// Takes the right to send this (generation, attempt) of the event, with the row's ETag: false when another message
    /// holds it or a later one does. A claim already ours (the same message after a crash, or our own write whose
    /// response was lost) stands. The claim also marks the event queued, so a dispatch re-run does not queue it again.
    /// </summary>
    private async Task<bool> ClaimAsync(WebhookEventEntity row, WebhookDelivery delivery, string messageId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var tries = 1; ; tries++)
        {
            var claimed = (row.ClaimedGeneration ?? 0, row.ClaimedAttempt ?? 0);
            var wanted = (delivery.Generation, delivery.Attempt);
            if (claimed == wanted)
            {
                return row.ClaimedBy == messageId;
            }

            if (claimed.CompareTo(wanted) > 0)
            {
                return false;
            }

            var claim = new TableEntity(row.PartitionKey, row.RowKey)
            {
                [nameof(WebhookEventEntity.ClaimedBy)] = messageId,
                [nameof(WebhookEventEntity.ClaimedGeneration)] = delivery.Generation,
                [nameof(WebhookEventEntity.ClaimedAttempt)] = delivery.Attempt,
                [nameof(WebhookEventEntity.EnqueuedUtc)] = row.EnqueuedUtc ?? now,
            };
            try
            {
                await store.Events.UpdateEntityAsync(claim, row.ETag, TableUpdateMode.Merge, cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 412 && tries < 5)
            {
                // Changed since we read it (marked queued, claimed by a duplicate, or our own claim whose answer was lost).
                row = await store.GetEventAsync(row.EndpointId, row.EventId, cancellationToken) ?? row;
            }
        }
    }

    private async Task<WebhookAttemptEntity> SendAsync(WebhookEndpointEntity endpoint, WebhookEventEntity row, int attemptNumber, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var attempt = new WebhookAttemptEntity
        {
            PartitionKey = row.PartitionKey,
            RowKey = WebhookAttemptEntity.KeyFor(now, row.EventId, attemptNumber),
            EventId = row.EventId,
            Type = row.Type,
            Attempt = attemptNumber,
            AtUtc = now,
        };
        if (policy.CheckForm(endpoint.Url, out var uri) is { } formProblem)
        {
            attempt.Error = "Refused: " + formProblem;
            return attempt;
        }

        var signing = new List<string> { secrets.Unprotect(endpoint.Secret, endpoint.PartnerId, endpoint.EndpointId) };
        if (endpoint.PreviousSecret.Length > 0 && endpoint.PreviousSecretExpiresUtc > now)
        {
            signing.Add(secrets.Unprotect(endpoint.PreviousSecret, endpoint.PartnerId, endpoint.EndpointId));
        }

        var body = Encoding.UTF8.GetBytes(row.Payload);
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("webhook-id", row.EventId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSigning.Header(signing, row.EventId, timestamp, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            attempt.StatusCode = (int)response.StatusCode;
            attempt.RetryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - now,
                _ => null,
            };
            if (!response.IsSuccessStatusCode)
            {
                attempt.Error = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            attempt.Error = $"Timed out after {options.Value.Timeout.TotalSeconds:0.###} s.";
        }
        catch (HttpRequestException e)
        {
            attempt.Error = Innermost(e);
        }

        // To the microsecond: an answer on a warm connection nearby can take under 50 µs, which rounding to 0.1 ms
        // recorded as 0 ms, as if nothing had been measured.
        attempt.LatencyMs = Math.Round(watch.Elapsed.TotalMilliseconds, 3);
        return attempt;
    }

    private async Task WriteStateAsync(WebhookEventEntity row, TableEntity state, WebhookAttemptEntity? attempt, CancellationToken cancellationToken)
    {
        // The event's new state and its attempt log row share the endpoint's partition: one transaction.
        List<TableTransactionAction> actions = [new(TableTransactionActionType.UpdateMerge, state, ETag.All)];
        if (attempt is not null)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, attempt));
        }

        await store.Events.SubmitTransactionAsync(actions, cancellationToken);
    }

    private async Task SetEndpointStatusAsync(WebhookEndpointEntity endpoint, WebhookEndpointStatus status, string reason, CancellationToken cancellationToken)
    {
        var update = new TableEntity(endpoint.PartitionKey, endpoint.RowKey) { ["Status"] = StoredNames.Of(status), ["StatusReason"] = reason, ["UpdatedUtc"] = clock.GetUtcNow() };
        try
        {
            await store.Endpoints.UpdateEntityAsync(update, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Deleted meanwhile.
        }
    }

    private static string Innermost(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case WebhookAddressRefusedException refused:
                    return "Refused: " + refused.Message;
                case SocketException socket:
                    return $"Connection failed: {socket.SocketErrorCode}.";
            }
        }

        return e.InnerException is null ? e.Message : $"{e.Message} ({e.InnerException.Message})";
    }

    private static string Describe(WebhookAttemptEntity attempt) => attempt.StatusCode > 0 ? $"HTTP {attempt.StatusCode}" : attempt.Error;

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {EventId} attempt {Attempt}: message {MessageId} is a duplicate; dropped")]
    private static partial void LogDuplicate(ILogger logger, string eventId, int attempt, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A webhook queue message is not a delivery; moved to the poison queue")]
    private static partial void LogMalformed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {EventId} attempt {Attempt}: status {Status}, {Outcome}, {LatencyMs} ms")]
    private static partial void LogAttempt(ILogger logger, string eventId, int attempt, int status, string outcome, double latencyMs);
}
