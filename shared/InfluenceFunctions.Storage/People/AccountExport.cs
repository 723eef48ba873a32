using Azure.Data.Tables;
using Azure;
using InfluenceFunctions.Domain.People;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage.Topics;
using InfluenceFunctions.Storage.Webhooks;
using InfluenceFunctions.Storage;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Storage.People;

/// <summary>
/// Everything stored about a person, as one document: their account, signals (per network and day), engagement
/// (per day; the other accounts are anonymous, as they are to us), score, history and explanation, topics, hidden
/// topics and posts, +K given and received, and the webhook events that named them. Point reads of their own rows,
/// last night's +K graph (cached per process), and one filtered scan of the webhook events.
/// </summary>
public sealed class AccountExport(InfluenceTables tables, PlusKGraphCache plusKGraphs, WebhookStore webhooks, IOptions<InfluenceOptions> options, TimeProvider clock)
{
    /// <summary>The ingestion body's names, in <see cref="SignalKind"/> order: the W_ column's signals, then the X_ column's.</summary>
    private static readonly string[] SignalNames =
        ["audienceSize", "posts", "reactions", "reshares", "replies", "mentionsReceived", "mentionsSent", "resharesSent", "uniqueEngagers", "listMemberships"];

    private static readonly string[] ExtendedSignalNames = ["views", "saves"];

    public async Task<object?> BuildAsync(string userId, CancellationToken cancellationToken)
    {
        var shard = Shards.KeyOf(userId, options.Value.ShardCount);
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var signals = await GetAsync<TableEntity>(tables.Signals, shard, userId, cancellationToken);
        if (signals is null || !AccountRows.Read(signals).OptedIn)
        {
            return null;
        }

        var account = AccountRows.Read(signals);
        var score = await GetAsync<ScoreEntity>(tables.Scores, shard, userId, cancellationToken);
        var topicRows = new Dictionary<string, TableEntity?>(StringComparer.Ordinal);
        foreach (var kind in new[] { TopicRows.Posts, TopicRows.PlusK, TopicRows.Topics, TopicRows.Hidden })
        {
            topicRows[kind] = await GetAsync<TableEntity>(tables.Topics, shard, TopicRows.RowKey(kind, userId), cancellationToken);
        }

        var lastNight = score is { Day.Length: > 0 } ? DateOnly.Parse(score.Day, System.Globalization.CultureInfo.InvariantCulture) : today.AddDays(-1);
        var received = (await plusKGraphs.GetAsync(lastNight.AddDays(-1), cancellationToken)).ReceivedBy(UserKeys.Of(userId))
            .Select(r => new { r.Topic, r.Day, r.Weight, giver = "anonymous" })
            .ToList();

        return new
        {
            userId,
            exportedUtc = now,
            account = new { account.OptedInUtc, connections = account.Connections, disconnections = account.Disconnections },
            signals = new
            {
                networks = account.Connections.ToDictionary(
                    c => c.Network,
                    c => Series(PackedSeries.Decode(signals.GetBinary(SignalRows.WindowColumn(c.Network))), PackedSeries.DecodeExtended(signals.GetBinary(SignalRows.ExtendedColumn(c.Network))))),
                engagementReceived = Engagement(signals.GetBinary(SignalRows.InboundColumn), today),
                engagementSent = Engagement(signals.GetBinary(SignalRows.OutboundColumn), today),
            },
            score = score is null ? null : new
            {
                score.Day,
                current = score.Current,
                previousDay = score.PrevDay,
                previous = score.Previous,
                moves = ScoreRows.Moves(score),
                history = ScoreHistory.Range(score.History, today.AddDays(-ScoreHistory.MaxDays), today)
                    .Select(h => new { day = h.Day, score = h.Value == ScoreHistory.Unscored ? (int?)null : h.Value }),
            },
            topics = new
            {
                profile = topicRows[TopicRows.Topics] is { } topicsRow ? PackedJson.Read<TopicProfile>(topicsRow, "T") : null,
                hidden = TopicRows.HiddenTopics(topicRows[TopicRows.Hidden]),
                posts = topicRows[TopicRows.Posts] is { } postsRow ? TopicRows.ReadPosts(postsRow) : [],
            },
            plusK = new
            {
                given = topicRows[TopicRows.PlusK] is { } plusKRow ? PlusKService.ReadGiven(plusKRow) : [],
                received,
            },
            webhookEvents = (await webhooks.EventsAboutAsync(userId, cancellationToken)).Select(e => new { e.EventId, e.Type, e.State, e.Payload }),
        };
    }

    /// <summary>
    /// A network's days with any data, each with every signal by name (null: not reported that day). Views and saves
    /// come from the extended column and are null on a network that never reported them.
    /// </summary>
    private static List<object> Series(PackedSeries series, PackedSeries extended)
    {
        var first = Math.Min(series.DayCount > 0 ? series.FirstDay : int.MaxValue, extended.DayCount > 0 ? extended.FirstDay : int.MaxValue);
        var last = Math.Max(series.DayCount > 0 ? series.LastDay : int.MinValue, extended.DayCount > 0 ? extended.LastDay : int.MinValue);
        var days = new List<object>();
        for (var day = first; day <= last; day++)
        {
            var values = new Dictionary<string, object?> { ["day"] = DateOnly.FromDayNumber(day) };
            var any = Add(values, series, day, SignalNames) | Add(values, extended, day, ExtendedSignalNames);
            if (any)
            {
                days.Add(values);
            }
        }

        return days;
    }

    /// <summary>Adds one day of a series by name; true when any value is known.</summary>
    private static bool Add(Dictionary<string, object?> values, PackedSeries series, int day, string[] names)
    {
        var inRange = day >= series.FirstDay && day <= series.LastDay;
        var any = false;
        for (var s = 0; s < names.Length; s++)
        {
            var value = inRange ? series.Values[((day - series.FirstDay) * series.Stride) + s] : float.NaN;
            values[names[s]] = float.IsNaN(value) ? null : value;
            any |= !float.IsNaN(value);
        }

        return any;
    }

    private static IEnumerable<object> Engagement(byte[]? bytes, DateOnly today) =>
        PackedEngagements.ReadWindow(bytes, today)
            .GroupBy(e => e.DaysAgo)
            .OrderByDescending(g => g.Key)
            .Select(g => new { day = today.AddDays(-g.Key), count = g.Sum(e => e.Count), accounts = g.Select(e => e.UserKey).Distinct().Count() });

    private static async Task<T?> GetAsync<T>(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        var response = await table.GetEntityIfExistsAsync<T>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }
}
