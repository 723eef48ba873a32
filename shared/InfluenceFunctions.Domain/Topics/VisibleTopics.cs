namespace InfluenceFunctions.Domain.Topics;

/// <summary>A topic a user gained or lost on a night (see <see cref="VisibleTopics"/>).</summary>
public sealed record TopicChange(string UserId, string Topic, bool Gained, double Strength);

/// <summary>
/// What "having" a topic means for topic.gained / topic.lost: the set partners see, i.e. the stored profile's topics
/// that are not hidden (by the hidden row as the nightly pass reads it) and still in the ontology (at most
/// <see cref="TopicScorer.MaxVisible"/>). Storage keeps that set per night beside the profile, so a re-run of a night
/// compares against the same yesterday and finds the same changes.
/// </summary>
public static class VisibleTopics
{
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
}
