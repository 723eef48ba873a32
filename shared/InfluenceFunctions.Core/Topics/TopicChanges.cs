using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Webhooks;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Topics;

/// <summary>
/// What "having" a topic means for topic.gained / topic.lost: the set partners see, i.e. the stored profile's topics
/// that are not hidden (by the hidden row as the nightly pass reads it) and still in the ontology (at most
/// <see cref="TopicScorer.MaxVisible"/>). The "topics|{user}" row keeps that set of its night ("Seen") and of the
/// night before ("PrevDay", "PrevSeen"), as score rows keep Previous, so a re-run of a night compares against the
/// same yesterday and finds the same changes.
/// </summary>
public static class VisibleTopics
{
    public const string Seen = "Seen";
    public const string PrevDay = "PrevDay";
    public const string PrevSeen = "PrevSeen";

    /// <summary>Topic id -> strength (0-1) of the topics partners see in <paramref name="profile"/>.</summary>
    public static SortedDictionary<string, double> Of(TopicProfile? profile, IReadOnlySet<string> hidden, TopicOntology ontology)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(ontology);
        var seen = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var topic in (profile?.Topics ?? []).Where(t => !hidden.Contains(t.TopicId) && ontology.Find(t.TopicId) is not null).Take(TopicScorer.MaxVisible))
        {
            seen[topic.TopicId] = topic.Evidence.Strength;
        }

        return seen;
    }

    /// <summary>
    /// The visible set to compare <paramref name="night"/> against: the row's own set when it holds an earlier night,
    /// its stored previous set when it already holds this night (a re-run), nothing when there is no row (a user
    /// without a row has no topics). Null when the row holds a later night: an old night re-run says nothing.
    /// </summary>
    public static (string? Day, SortedDictionary<string, double> Topics)? YesterdayFor(TableEntity? row, DateOnly night, IReadOnlySet<string> hidden, TopicOntology ontology)
    {
        if (row is null)
        {
            return (null, new SortedDictionary<string, double>(StringComparer.Ordinal));
        }

        var nightText = night.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var rowDay = row.GetString("Day") ?? string.Empty;
        var order = string.CompareOrdinal(rowDay, nightText);
        if (order > 0)
        {
            return null;
        }

        if (order < 0)
        {
            // Rows written before this column existed: their visible set, recomputed from the stored profile.
            return (rowDay, row.GetString(Seen) is { } json ? Read(json) : Of(PackedJson.Read<TopicProfile>(row, "T"), hidden, ontology));
        }

        return (row.GetString(PrevDay) is { Length: > 0 } prevDay ? prevDay : null, Read(row.GetString(PrevSeen)));
    }

    /// <summary>Writes tonight's set and the one it was compared against into the row.</summary>
    public static void Write(TableEntity row, SortedDictionary<string, double> tonight, (string? Day, SortedDictionary<string, double> Topics) yesterday)
    {
        ArgumentNullException.ThrowIfNull(row);
        row[Seen] = JsonSerializer.Serialize(tonight);
        if (yesterday.Day is { } day)
        {
            row[PrevDay] = day;
            row[PrevSeen] = JsonSerializer.Serialize(yesterday.Topics);
        }
    }

    /// <summary>Gained (tonight, not yesterday) and lost (yesterday, not tonight), never a topic hidden now.</summary>
    public static IEnumerable<TopicChange> Compare(string userId, IReadOnlyDictionary<string, double> yesterday, IReadOnlyDictionary<string, double> tonight, IReadOnlySet<string> hidden)
    {
        ArgumentNullException.ThrowIfNull(yesterday);
        ArgumentNullException.ThrowIfNull(tonight);
        ArgumentNullException.ThrowIfNull(hidden);
        foreach (var (topic, strength) in tonight.Where(t => !yesterday.ContainsKey(t.Key) && !hidden.Contains(t.Key)).OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            yield return new TopicChange(userId, topic, true, strength);
        }

        foreach (var (topic, strength) in yesterday.Where(t => !tonight.ContainsKey(t.Key) && !hidden.Contains(t.Key)).OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            yield return new TopicChange(userId, topic, false, strength);
        }
    }

    private static SortedDictionary<string, double> Read(string? json) =>
        new(json is { Length: > 0 } ? JsonSerializer.Deserialize<Dictionary<string, double>>(json) ?? [] : [], StringComparer.Ordinal);
}

/// <summary>
/// Hands a shard's topic changes from <see cref="ShardTopicScorer"/> to the webhook emitter, in memory: both run
/// one after the other inside the same shard activity (a retried activity runs both again), so the emitter needs no
/// storage call of its own. Entries are taken when read; ones nobody asked for (no topic endpoints) expire.
/// </summary>
public sealed class TopicChangeLedger(IOptions<InfluenceOptions> options) : IUserTopicChanges
{
    private static readonly TimeSpan Expiry = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<(DateOnly Night, string Shard), (long Ticks, IReadOnlyList<TopicChange> Changes)> entries = new();

    public void Record(DateOnly night, string shardKey, IReadOnlyList<TopicChange> changes)
    {
        var now = Environment.TickCount64;
        foreach (var stale in entries.Where(e => now - e.Value.Ticks > Expiry.TotalMilliseconds).Select(e => e.Key).ToList())
        {
            entries.TryRemove(stale, out _);
        }

        entries[(night, shardKey)] = (now, changes);
    }

    public Task<IReadOnlyList<TopicChange>> ChangesAsync(DateOnly day, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var wanted = userIds.ToHashSet(StringComparer.Ordinal);
        var changes = new List<TopicChange>();
        foreach (var shard in wanted.Select(u => Shards.KeyOf(u, options.Value.ShardCount)).Distinct(StringComparer.Ordinal))
        {
            if (entries.TryRemove((day, shard), out var entry))
            {
                changes.AddRange(entry.Changes.Where(c => wanted.Contains(c.UserId)));
            }
        }

        return Task.FromResult<IReadOnlyList<TopicChange>>(changes);
    }
}
