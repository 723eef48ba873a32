using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage.Webhooks;
using InfluenceFunctions.Workflows.Durable;
using InfluenceFunctions.Workflows.Runs;

namespace InfluenceFunctions.Workflows.Webhooks;

/// <summary>Input of <see cref="DispatchWebhooksActivity"/>: the completed night.</summary>
public sealed record DispatchWebhooksInput(NightlyRunSummary Summary);

/// <summary>What the night's dispatch did, and the storage transactions it spent (the run record counts them).</summary>
public sealed record DispatchWebhooksOutcome(int Endpoints, int EventsQueued, long StorageTransactions, long StorageRetries);

/// <summary>
/// The nightly run's last step: writes recalculation.completed for each endpoint that wants it, then puts every
/// event of the night not queued yet on the delivery queue. A re-run (or a retried activity) finds them queued and
/// sends nothing again.
/// </summary>
public sealed partial class WebhookDispatcher(WebhookStore store, WebhookOutbox outbox, ILogger<WebhookDispatcher> logger)
{
    public async Task<DispatchWebhooksOutcome> DispatchNightAsync(DispatchWebhooksInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var spend = StorageRequestCounter.BeginScope();
        var summary = input.Summary;
        var endpoints = await store.ListEndpointsAsync(null, cancellationToken);
        var completed = new DateTimeOffset(summary.Day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await outbox.AddIfAbsentAsync(
            endpoints.Where(e => e.Wants(WebhookEventType.RecalculationCompleted)).Select(e => OutboxEvents.For(e, summary.Day, "run", WebhookEventType.RecalculationCompleted, completed, new
            {
                day = summary.Day,
                modelVersion = summary.ModelVersion,
                usersScored = summary.UsersScored,
                usersUnscored = summary.UsersUnscored,
                usersSkipped = summary.UsersSkipped,
                shards = summary.Shards,
                durationSeconds = Math.Round(summary.DurationSeconds, 1),
                shadowModelVersion = summary.ShadowModelVersion,
            })),
            cancellationToken);

        var (from, to) = WebhookEventIds.DayRange(summary.Day);
        var queued = 0;
        await Parallel.ForEachAsync(endpoints, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (endpoint, ct) =>
            Interlocked.Add(ref queued, await outbox.EnqueuePendingAsync(endpoint.EndpointId, from, to, ct)));
        LogDispatched(logger, summary.Day, queued, endpoints.Count);

        return new DispatchWebhooksOutcome(endpoints.Count, queued, spend.Count, spend.Retries);
    }

    /// <summary>
    /// model.version.changed: tells every endpoint that wants it about a planned switch to <paramref name="nextVersion"/>,
    /// with the shadow diff report. One event per (report night, version, endpoint): announcing the same report again
    /// sends nothing new. Returns how many endpoints were sent the announcement now.
    /// </summary>
    public async Task<int> AnnounceAsync(string liveVersion, string nextVersion, DateOnly reportDay, ShadowDiffReport report, DateTimeOffset now, DateTimeOffset? plannedSwitchUtc, string? note, CancellationToken cancellationToken)
    {
        await store.CreateIfNotExistsAsync(cancellationToken);
        var endpoints = (await store.ListEndpointsAsync(null, cancellationToken)).Where(e => e.Wants(WebhookEventType.ModelVersionChanged)).ToList();
        var events = endpoints.Select(e => OutboxEvents.For(e, reportDay, "model:" + nextVersion, WebhookEventType.ModelVersionChanged, now, new
        {
            currentVersion = liveVersion,
            nextVersion,
            plannedSwitchUtc,
            note,
            shadowReportDay = reportDay,
            shadowReport = report,
        })).ToList();
        return await outbox.PublishAsync(events, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhooks for {Day}: {Queued} events queued for {Endpoints} endpoints")]
    private static partial void LogDispatched(ILogger logger, DateOnly day, int queued, int endpoints);
}

/// <summary>The nightly orchestration's webhook step (after the run record is written).</summary>
public sealed class DispatchWebhooksActivity(WebhookDispatcher dispatcher) : IActivity<DispatchWebhooksInput, DispatchWebhooksOutcome>
{
    public Task<DispatchWebhooksOutcome> RunAsync(DispatchWebhooksInput input, CancellationToken cancellationToken) => dispatcher.DispatchNightAsync(input, cancellationToken);
}
