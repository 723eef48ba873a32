using System.Globalization;

namespace InfluenceFunctions.Domain.Topics;

/// <summary>A user's topics for one night, as stored in the "topics" row and served with its evidence.</summary>
public sealed record TopicProfile(string Day, IReadOnlyList<UserTopic> Topics);

/// <summary>One topic of a user: its 0-100 score and the evidence that drove it.</summary>
public sealed record UserTopic(string TopicId, int Score, TopicEvidence Evidence);

public sealed record TopicEvidence(
    int Posts,
    double Engagement,
    IReadOnlyList<TermCount> Terms,
    IReadOnlyList<string> Context,
    IReadOnlyList<EvidencePost> TopPosts,
    PlusKEvidence PlusK,
    int UserScore,
    double Strength);

public sealed record TermCount(string Term, int Count);

public sealed record EvidencePost(string PostId, string Network, DateOnly Day, string Text, double Reactions, double Reshares, double Replies);

/// <summary>+K received in the topic over the window: how many, from how many givers, their weight after ring
/// discounts, and the points that added (capped).</summary>
public sealed record PlusKEvidence(int Received, int Givers, double Effective, int Points);

/// <summary>A +K received, with the weight its giver carries (1 normally; less for mutual pairs and closed rings).</summary>
public sealed record ReceivedPlusK(ulong GiverKey, string Topic, DateOnly Day, double Weight);

/// <summary>
/// Per-user topic scores from what they post about, what of it gets engagement, and +K received. Pure.
/// A post adds (1 + ln(1 + engagement)) / sqrt(topics in the post) to each topic it is about; a topic needs
/// <see cref="MinPosts"/> posts; strength = 1 - exp(-sum / 6); score = the user's influence score x strength,
/// plus up to <see cref="MaxPlusKPoints"/> points of +K (2 per effective giver). +K never creates a topic on its own.
/// </summary>
public static class TopicScorer
{
    public const int WindowDays = 90;
    public const int MinPosts = 2;
    public const int MaxVisible = 20;
    public const int MaxPlusKPoints = 10;
    public const double PointsPerGiver = 2;
    public const int TopPostsShown = 3;
    public const int TermsShown = 10;
    public const int SnippetLength = 140;
    private const double StrengthScale = 6;

    public static TopicProfile Score(
        TopicAttributor attributor,
        DateOnly night,
        int userScore,
        IEnumerable<StoredPost> posts,
        IEnumerable<ReceivedPlusK> plusK,
        IReadOnlySet<string> hidden)
    {
        ArgumentNullException.ThrowIfNull(attributor);
        ArgumentNullException.ThrowIfNull(hidden);
        var first = night.AddDays(-WindowDays + 1);
        var acc = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        foreach (var post in (posts ?? []).Where(p => p.Day >= first && p.Day <= night).OrderBy(p => p.Day).ThenBy(p => p.Network, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal))
        {
            var matches = attributor.Attribute(post.Text, post.Hashtags, post.Links);
            if (matches.Count == 0)
            {
                continue;
            }

            var weight = (1 + Math.Log(1 + post.Engagement)) / Math.Sqrt(matches.Count);
            foreach (var match in matches)
            {
                var a = acc.TryGetValue(match.TopicId, out var x) ? x : acc[match.TopicId] = new Accumulator();
                a.Add(post, weight, match);
            }
        }

        var gifts = (plusK ?? []).Where(g => g.Day >= first && g.Day <= night).ToLookup(g => g.Topic, StringComparer.Ordinal);
        var topics = new List<UserTopic>();
        foreach (var (topicId, a) in acc)
        {
            if (a.Posts < MinPosts)
            {
                continue;
            }

            var received = gifts[topicId].ToList();

            // A giver counts once per topic, at their best weight: many +K from one person are one voice.
            var givers = received.GroupBy(g => g.GiverKey).Select(g => g.Max(x => x.Weight)).ToList();
            var effective = Math.Round(givers.Sum(), 3);
            var points = (int)Math.Min(MaxPlusKPoints, Math.Floor(PointsPerGiver * effective));
            var strength = 1 - Math.Exp(-a.Sum / StrengthScale);
            var score = (int)Math.Clamp(Math.Round((userScore * strength) + points, MidpointRounding.AwayFromZero), 1, 100);
            topics.Add(new UserTopic(topicId, score, new TopicEvidence(
                a.Posts,
                Math.Round(a.Engagement, 1),
                a.Terms.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).Take(TermsShown).Select(t => new TermCount(t.Key, t.Value)).ToList(),
                a.Context.Order(StringComparer.Ordinal).Take(TermsShown).ToList(),
                a.TopPosts(),
                new PlusKEvidence(received.Count, givers.Count, effective, points),
                userScore,
                Math.Round(strength, 3))));
        }

        // Visible: the best MaxVisible not hidden; hidden ones are kept (so "why" and unhide work) but never shown to others.
        var ordered = topics.OrderByDescending(t => t.Score).ThenBy(t => t.TopicId, StringComparer.Ordinal).ToList();
        var kept = ordered.Where(t => !hidden.Contains(t.TopicId)).Take(MaxVisible)
            .Concat(ordered.Where(t => hidden.Contains(t.TopicId)).Take(MaxVisible))
            .OrderByDescending(t => t.Score).ThenBy(t => t.TopicId, StringComparer.Ordinal)
            .ToList();
        return new TopicProfile(night.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), kept);
    }

    private sealed class Accumulator
    {
        private readonly List<StoredPost> posts = [];

        public int Posts { get; private set; }

        public double Sum { get; private set; }

        public double Engagement { get; private set; }

        public Dictionary<string, int> Terms { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Context { get; } = new(StringComparer.Ordinal);

        public void Add(StoredPost post, double weight, TopicMatch match)
        {
            Posts++;
            Sum += weight;
            Engagement += post.Engagement;
            posts.Add(post);
            foreach (var term in match.Terms)
            {
                Terms[term] = Terms.GetValueOrDefault(term) + 1;
            }

            Context.UnionWith(match.Context);
        }

        public List<EvidencePost> TopPosts() => posts
            .OrderByDescending(p => p.Engagement).ThenByDescending(p => p.Day).ThenBy(p => p.Id, StringComparer.Ordinal)
            .Take(TopPostsShown)
            .Select(p => new EvidencePost(p.Id, p.Network, p.Day, p.Text.Length > SnippetLength ? p.Text[..SnippetLength] + "…" : p.Text, p.Reactions, p.Reshares, p.Replies))
            .ToList();
    }
}
