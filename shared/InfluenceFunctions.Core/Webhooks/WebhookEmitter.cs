using InfluenceFunctions.Nightly;

namespace InfluenceFunctions.Webhooks;

/// <summary>A topic a user gained or lost on a night (see <see cref="Topics.VisibleTopics"/>).</summary>
public sealed record TopicChange(string UserId, string Topic, bool Gained, double Strength);

/// <summary>
/// The seam for topic events: which users gained or lost which topics on a night. The topics work registers
/// <see cref="Topics.TopicChangeLedger"/> (filled by the shard's topic step); without it the default answers none.
/// </summary>
public interface IUserTopicChanges
{
    Task<IReadOnlyList<TopicChange>> ChangesAsync(DateOnly day, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken);
}

internal sealed class NoUserTopicChanges : IUserTopicChanges
{
    public Task<IReadOnlyList<TopicChange>> ChangesAsync(DateOnly day, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TopicChange>>([]);
}

/// <summary>
/// Writes a shard's per-user events to the outbox inside the shard's activity, right after its scores are written:
/// score.changed (|change| at least the endpoint's threshold), score.milestone (25/50/75/90 crossed either way) and
/// topic.gained/topic.lost, for every endpoint that wants them and whose filters match. Ids are deterministic per
/// (night, user, type, endpoint), so a retried activity or a re-run night writes the same rows. Cost: one query of
/// the (small) endpoints table per run and process, then 100-event transactions per endpoint.
/// </summary>
public sealed class WebhookEmitter(WebhookStore store, WebhookOutbox outbox, IUserTopicChanges topics) : IShardScoredObserver
{
    private readonly Lock endpointCacheLock = new();

    /// <summary>A run's shards all score within minutes; a re-run of the same night (same RunId) later reads the table again.</summary>
    private static readonly TimeSpan EndpointCacheLifetime = TimeSpan.FromMinutes(10);

    private (string RunId, long LoadedTicks, Task<IReadOnlyList<WebhookEndpointEntity>> Loaded) endpointCache = (string.Empty, 0, Task.FromResult<IReadOnlyList<WebhookEndpointEntity>>([]));

    private static readonly string[] UserEventTypes = [WebhookEventTypes.ScoreChanged, WebhookEventTypes.ScoreMilestone, WebhookEventTypes.TopicGained, WebhookEventTypes.TopicLost];

    public async Task OnShardScoredAsync(ShardScored shard, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shard);
        var endpoints = (await EndpointsForAsync(shard.RunId, cancellationToken))
            .Where(e => UserEventTypes.Any(e.Wants))
            .Select(e => new Subscriber(e))
            .ToList();
        if (endpoints.Count == 0 || shard.Users.Count == 0)
        {
            return;
        }

        var occurred = new DateTimeOffset(shard.Day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero); // The night is over: deterministic.
        var events = new List<OutboxEvent>();
        foreach (var user in shard.Users)
        {
            if (user.PreviousScore is not { } previous || user.Score is not { } score)
            {
                continue;
            }

            var crossed = WebhookEventTypes.Crossed(previous, score);
            foreach (var endpoint in endpoints.Where(e => e.MatchesUser(user.UserId)))
            {
                var change = score - previous;
                if (endpoint.Row.Wants(WebhookEventTypes.ScoreChanged) && change != 0 && Math.Abs(change) >= endpoint.Row.MinScoreChange)
                {
                    events.Add(Event(endpoint.Row, shard.Day, user.UserId, WebhookEventTypes.ScoreChanged, occurred, new
                    {
                        userId = user.UserId,
                        day = shard.Day,
                        previousDay = user.PreviousDay,
                        previousScore = previous,
                        score,
                        change,
                        modelVersion = shard.ModelVersion,
                    }));
                }

                if (endpoint.Row.Wants(WebhookEventTypes.ScoreMilestone) && crossed.Count > 0)
                {
                    events.Add(Event(endpoint.Row, shard.Day, user.UserId, WebhookEventTypes.ScoreMilestone, occurred, new
                    {
                        userId = user.UserId,
                        day = shard.Day,
                        previousScore = previous,
                        score,
                        direction = score > previous ? "up" : "down",
                        milestones = crossed,
                        modelVersion = shard.ModelVersion,
                    }));
                }
            }
        }

        if (endpoints.Any(e => e.Row.Wants(WebhookEventTypes.TopicGained) || e.Row.Wants(WebhookEventTypes.TopicLost)))
        {
            var changes = await topics.ChangesAsync(shard.Day, shard.Users.Select(u => u.UserId).ToList(), cancellationToken);
            foreach (var group in changes.GroupBy(c => (c.UserId, c.Gained)))
            {
                var type = group.Key.Gained ? WebhookEventTypes.TopicGained : WebhookEventTypes.TopicLost;
                foreach (var endpoint in endpoints.Where(e => e.Row.Wants(type) && e.MatchesUser(group.Key.UserId)))
                {
                    var matching = group.Where(c => endpoint.MatchesTopic(c.Topic)).OrderBy(c => c.Topic, StringComparer.Ordinal).ToList();
                    if (matching.Count > 0)
                    {
                        // One event per (night, user, type): every topic gained (or lost) that night is in it.
                        events.Add(Event(endpoint.Row, shard.Day, group.Key.UserId, type, occurred, new
                        {
                            userId = group.Key.UserId,
                            day = shard.Day,
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

    internal static OutboxEvent Event(WebhookEndpointEntity endpoint, DateOnly day, string subject, string type, DateTimeOffset occurred, object data) =>
        new(endpoint.PartnerId, endpoint.EndpointId, WebhookEventIds.For(day, subject, type, endpoint.EndpointId), type, subject, WebhookOutbox.Payload(type, occurred, data));

    private sealed class Subscriber(WebhookEndpointEntity row)
    {
        private readonly HashSet<string> users = new(row.UserIdList(), StringComparer.Ordinal);
        private readonly HashSet<string> topicSet = new(row.TopicList(), StringComparer.OrdinalIgnoreCase);

        public WebhookEndpointEntity Row { get; } = row;

        public bool MatchesUser(string userId) => users.Count == 0 || users.Contains(userId);

        public bool MatchesTopic(string topic) => topicSet.Count == 0 || topicSet.Contains(topic);
    }
}
