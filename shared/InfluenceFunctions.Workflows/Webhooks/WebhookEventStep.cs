using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage.Webhooks;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Workflows.Runs;

namespace InfluenceFunctions.Workflows.Webhooks;

/// <summary>
/// The last step of a shard's pass: writes the shard's per-user events to the outbox, after its scores and topics are
/// written (it reads both from the context):
/// score.changed (|change| at least the endpoint's threshold), score.milestone (25/50/75/90 crossed either way) and
/// topic.gained/topic.lost, for every endpoint that wants them and whose filters match. Ids are deterministic per
/// (night, user, type, endpoint), so a retried activity or a re-run night writes the same rows. Cost: one query of
/// the (small) endpoints table per run and process, then 100-event transactions per endpoint.
/// </summary>
public sealed class WebhookEventStep(WebhookStore store, WebhookOutbox outbox) : IShardStep
{
    private readonly Lock endpointCacheLock = new();

    /// <summary>A run's shards all score within minutes; a re-run of the same night (same RunId) later reads the table again.</summary>
    private static readonly TimeSpan EndpointCacheLifetime = TimeSpan.FromMinutes(10);

    private (string RunId, long LoadedTicks, Task<IReadOnlyList<WebhookEndpointEntity>> Loaded) endpointCache = (string.Empty, 0, Task.FromResult<IReadOnlyList<WebhookEndpointEntity>>([]));

    private static readonly WebhookEventType[] UserEventTypes = [WebhookEventType.ScoreChanged, WebhookEventType.ScoreMilestone, WebhookEventType.TopicGained, WebhookEventType.TopicLost];

    public async Task RunAsync(ShardPassContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (day, users, modelVersion) = (context.Input.Day, context.Scores.Users, context.Input.ModelVersion);
        var endpoints = (await EndpointsForAsync(context.Input.RunId, cancellationToken))
            .Where(e => UserEventTypes.Any(e.Wants))
            .Select(e => new Subscriber(e))
            .ToList();
        if (endpoints.Count == 0 || users.Count == 0)
        {
            return;
        }

        var occurred = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero); // The night is over: deterministic.
        var events = new List<OutboxEvent>();
        foreach (var user in users)
        {
            if (user.PreviousScore is not { } previous || user.Score is not { } score)
            {
                continue;
            }

            var crossed = WebhookEventTypes.Crossed(previous, score);
            foreach (var endpoint in endpoints.Where(e => e.MatchesUser(user.UserId)))
            {
                var change = score - previous;
                if (endpoint.Row.Wants(WebhookEventType.ScoreChanged) && change != 0 && Math.Abs(change) >= endpoint.Row.MinScoreChange)
                {
                    events.Add(OutboxEvents.For(endpoint.Row, day, user.UserId, WebhookEventType.ScoreChanged, occurred, new
                    {
                        userId = user.UserId,
                        day = day,
                        previousDay = user.PreviousDay,
                        previousScore = previous,
                        score,
                        change,
                        modelVersion = modelVersion,
                    }));
                }

                if (endpoint.Row.Wants(WebhookEventType.ScoreMilestone) && crossed.Count > 0)
                {
                    events.Add(OutboxEvents.For(endpoint.Row, day, user.UserId, WebhookEventType.ScoreMilestone, occurred, new
                    {
                        userId = user.UserId,
                        day = day,
                        previousScore = previous,
                        score,
                        direction = score > previous ? "up" : "down",
                        milestones = crossed,
                        modelVersion = modelVersion,
                    }));
                }
            }
        }

        if (endpoints.Any(e => e.Row.Wants(WebhookEventType.TopicGained) || e.Row.Wants(WebhookEventType.TopicLost)))
        {
            foreach (var group in context.TopicChanges.GroupBy(c => (c.UserId, c.Gained)))
            {
                var type = group.Key.Gained ? WebhookEventType.TopicGained : WebhookEventType.TopicLost;
                foreach (var endpoint in endpoints.Where(e => e.Row.Wants(type) && e.MatchesUser(group.Key.UserId)))
                {
                    var matching = group.Where(c => endpoint.MatchesTopic(c.Topic)).OrderBy(c => c.Topic, StringComparer.Ordinal).ToList();
                    if (matching.Count > 0)
                    {
                        // One event per (night, user, type): every topic gained (or lost) that night is in it.
                        events.Add(OutboxEvents.For(endpoint.Row, day, group.Key.UserId, type, occurred, new
                        {
                            userId = group.Key.UserId,
                            day = day,
                            topics = matching.Select(c => new { topic = c.Topic, strength = c.Strength }).ToList(),
                        }));
                    }
                }
            }
        }

        await outbox.WriteAsync(events, cancellationToken);
    }

    /// <summary>
    /// The endpoints, read once per run per process (every shard of a night would otherwise read the same table). An
    /// endpoint registered during a run may miss that night's events from shards already loaded; a re-run
    /// (after the cache's ten minutes, or in another process) includes it.
    /// </summary>
    private Task<IReadOnlyList<WebhookEndpointEntity>> EndpointsForAsync(string runId, CancellationToken cancellationToken)
    {
        lock (endpointCacheLock)
        {
            var now = Environment.TickCount64;
            if (endpointCache.RunId != runId || now - endpointCache.LoadedTicks > EndpointCacheLifetime.TotalMilliseconds || endpointCache.Loaded.IsFaulted || endpointCache.Loaded.IsCanceled)
            {
                endpointCache = (runId, now, store.ListEndpointsAsync(null, cancellationToken));
            }

            return endpointCache.Loaded;
        }
    }

    private sealed class Subscriber(WebhookEndpointEntity row)
    {
        private readonly HashSet<string> users = new(row.UserIdList(), StringComparer.Ordinal);
        private readonly HashSet<string> topicSet = new(row.TopicList(), StringComparer.OrdinalIgnoreCase);

        public WebhookEndpointEntity Row { get; } = row;

        public bool MatchesUser(string userId) => users.Count == 0 || users.Contains(userId);

        public bool MatchesTopic(string topic) => topicSet.Count == 0 || topicSet.Contains(topic);
    }
}
