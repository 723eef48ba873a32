using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace InfluenceFunctions.Domain.Topics;

/// <summary>A topic a post is about, with the evidence: the terms, hashtags or link domains that matched, and for an
/// ambiguous term the context terms that settled its meaning.</summary>
public sealed record TopicMatch(string TopicId, IReadOnlyList<string> Terms, IReadOnlyList<string> Context);

/// <summary>
/// Maps a post's text, hashtags and links to topics of the ontology. Pure (no I/O) and deterministic.
/// Rules, in order of precision: a stop phrase ("hot dog", "spill the tea") hides its words; the longest term wins
/// ("minnesota twins" is the team, not the state); a term, hashtag or link domain of a topic attributes the post on
/// its own; an ambiguous term ("twins", "wine", "sausage") attributes only when the post also holds one of the
/// topic's context terms or a term of the same branch of the hierarchy (its ancestors or descendants).
/// </summary>
public sealed partial class TopicAttributor
{
    private const int MaxPhraseWords = 5;

    private readonly FrozenDictionary<string, Entry[]> phrases;
    private readonly FrozenDictionary<string, Entry[]> hashtags;
    private readonly FrozenDictionary<string, Topic[]> domains;
    private readonly FrozenSet<string> stopPhrases;
    private readonly FrozenDictionary<string, string[]> contexts;
    private readonly FrozenDictionary<string, FrozenSet<string>> branches;

    public TopicAttributor(TopicOntology ontology)
    {
        ArgumentNullException.ThrowIfNull(ontology);
        var phraseIndex = new Dictionary<string, List<Entry>>(StringComparer.Ordinal);
        var hashtagIndex = new Dictionary<string, List<Entry>>(StringComparer.Ordinal);
        var domainIndex = new Dictionary<string, List<Topic>>(StringComparer.Ordinal);
        void Add(Dictionary<string, List<Entry>> index, string key, Entry entry)
        {
            if (key.Length == 0)
            {
                return;
            }

            var list = index.TryGetValue(key, out var l) ? l : index[key] = [];
            if (!list.Any(e => e.Topic.Id == entry.Topic.Id))
            {
                list.Add(entry);
            }
        }

        foreach (var topic in ontology.Topics)
        {
            foreach (var term in topic.Terms)
            {
                Add(phraseIndex, Phrase(term), new Entry(topic, false, Phrase(term)));
            }

            foreach (var term in topic.Ambiguous)
            {
                Add(phraseIndex, Phrase(term), new Entry(topic, true, Phrase(term)));
            }

            foreach (var tag in topic.Hashtags)
            {
                Add(hashtagIndex, Compact(tag), new Entry(topic, false, "#" + Compact(tag)));
            }

            foreach (var domain in topic.Domains)
            {
                var list = domainIndex.TryGetValue(domain.ToLowerInvariant(), out var l) ? l : domainIndex[domain.ToLowerInvariant()] = [];
                list.Add(topic);
            }
        }

        // A hashtag spelling a term (#minnesotatwins, #twins) means what the term means: ambiguous stays ambiguous.
        foreach (var topic in ontology.Topics)
        {
            foreach (var term in topic.Terms)
            {
                Add(hashtagIndex, Compact(term), new Entry(topic, false, "#" + Compact(term)));
            }

            foreach (var term in topic.Ambiguous)
            {
                Add(hashtagIndex, Compact(term), new Entry(topic, true, "#" + Compact(term)));
            }
        }

        phrases = phraseIndex.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        hashtags = hashtagIndex.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        domains = domainIndex.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        stopPhrases = ontology.StopPhrases.Select(Phrase).ToFrozenSet(StringComparer.Ordinal);
        contexts = ontology.Topics.ToFrozenDictionary(t => t.Id, t => t.Context.Select(Phrase).Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

        var children = ontology.Topics.Where(t => t.Parent is not null).ToLookup(t => t.Parent!, StringComparer.Ordinal);
        IEnumerable<string> Descendants(string id) => children[id].SelectMany(c => Descendants(c.Id).Prepend(c.Id));
        branches = ontology.Topics.ToFrozenDictionary(
            t => t.Id,
            t => ontology.Ancestors(t).Select(a => a.Id).Concat(Descendants(t.Id)).Append(t.Id).ToFrozenSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    /// <summary>The topics a post is about, ordered by topic id.</summary>
    public IReadOnlyList<TopicMatch> Attribute(string? text, IEnumerable<string>? postHashtags = null, IEnumerable<string>? links = null)
    {
        var body = text ?? string.Empty;
        var hosts = new List<string>();
        foreach (Match url in UrlPattern().Matches(body))
        {
            AddHost(url.Value, hosts);
        }

        foreach (var link in links ?? [])
        {
            AddHost(link, hosts);
        }

        var tags = new List<string>();
        foreach (Match tag in HashtagPattern().Matches(body))
        {
            tags.Add(Compact(tag.Groups[1].Value));
        }

        tags.AddRange((postHashtags ?? []).Select(Compact).Where(t => t.Length > 0));
        body = MentionPattern().Replace(HashtagPattern().Replace(UrlPattern().Replace(body, " "), " "), " ");
        var tokens = Tokenize(body);
        var tagSet = tags.ToHashSet(StringComparer.Ordinal);
        var present = new HashSet<string>(tagSet, StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            for (var n = 1; n <= MaxPhraseWords && i + n <= tokens.Count; n++)
            {
                present.Add(string.Join(' ', tokens.Skip(i).Take(n)));
            }
        }

        var direct = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var ambiguous = new List<Entry>();
        void Found(Entry entry)
        {
            if (!entry.Ambiguous)
            {
                var list = direct.TryGetValue(entry.Topic.Id, out var l) ? l : direct[entry.Topic.Id] = [];
                if (!list.Contains(entry.Evidence))
                {
                    list.Add(entry.Evidence);
                }
            }
            else
            {
                ambiguous.Add(entry);
            }
        }

        for (var i = 0; i < tokens.Count;)
        {
            var consumed = 1;
            for (var n = Math.Min(MaxPhraseWords, tokens.Count - i); n >= 1; n--)
            {
                var phrase = string.Join(' ', tokens.Skip(i).Take(n));
                if (stopPhrases.Contains(phrase))
                {
                    consumed = n;
                    break;
                }

                if (phrases.TryGetValue(phrase, out var entries))
                {
                    foreach (var entry in entries)
                    {
                        Found(entry);
                    }

                    consumed = n;
                    break;
                }
            }

            i += consumed;
        }

        foreach (var tag in tagSet.Order(StringComparer.Ordinal))
        {
            if (hashtags.TryGetValue(tag, out var entries))
            {
                foreach (var entry in entries)
                {
                    Found(entry);
                }
            }
        }

        foreach (var host in hosts)
        {
            foreach (var topic in MatchDomain(host))
            {
                Found(new Entry(topic, false, host));
            }
        }

        var directTopics = direct.Keys.ToList();
        var resolved = new SortedDictionary<string, (List<string> Terms, List<string> Context)>(StringComparer.Ordinal);
        foreach (var (topicId, terms) in direct)
        {
            resolved[topicId] = (terms, []);
        }

        foreach (var entry in ambiguous)
        {
            var term = entry.Evidence.TrimStart('#');
            var context = contexts[entry.Topic.Id].FirstOrDefault(c => c != term && (present.Contains(c) || tagSet.Contains(c.Replace(" ", "", StringComparison.Ordinal))))
                ?? directTopics.Where(d => d != entry.Topic.Id && branches[entry.Topic.Id].Contains(d)).Select(d => direct[d][0]).FirstOrDefault()
                ?? (direct.TryGetValue(entry.Topic.Id, out var own) ? own[0] : null);
            if (context is null)
            {
                continue; // Ambiguous and nothing in the post says which meaning: attribute nothing.
            }

            var slot = resolved.TryGetValue(entry.Topic.Id, out var s) ? s : resolved[entry.Topic.Id] = ([], []);
            if (!slot.Terms.Contains(entry.Evidence))
            {
                slot.Terms.Add(entry.Evidence);
            }

            if (!slot.Context.Contains(context) && !slot.Terms.Contains(context))
            {
                slot.Context.Add(context);
            }
        }

        return resolved.Select(r => new TopicMatch(r.Key, r.Value.Terms, r.Value.Context)).ToList();
    }

    /// <summary>Lower-case words; internal '.', '-', '&amp;', '+' and a trailing '#'/'+' stay ("node.js", "s&amp;p", "c#");
    /// a trailing "'s" goes ("chef's" is "chef").</summary>
    public static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        foreach (Match word in WordPattern().Matches((text ?? string.Empty).ToLowerInvariant()))
        {
            var token = word.Value.Replace('’', '\'');
            if (token.EndsWith("'s", StringComparison.Ordinal))
            {
                token = token[..^2];
            }

            token = token.Trim('\'');
            if (token.Length > 0)
            {
                tokens.Add(token);
            }
        }

        return tokens;
    }

    private static string Phrase(string term) => string.Join(' ', Tokenize(term));

    private static string Compact(string tag) => new(tag.TrimStart('#').ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());

    private IEnumerable<Topic> MatchDomain(string host)
    {
        // The most specific registered domain wins: podcasts.apple.com is podcasts, not Apple.
        for (var candidate = host; candidate.Length > 0;)
        {
            if (domains.TryGetValue(candidate, out var topics))
            {
                return topics;
            }

            var dot = candidate.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                break;
            }

            candidate = candidate[(dot + 1)..];
        }

        return [];
    }

    private static void AddHost(string link, List<string> hosts)
    {
        var value = link.Trim();
        if (!value.Contains("://", StringComparison.Ordinal))
        {
            value = "https://" + value;
        }

        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Host.Length > 0)
        {
            var host = uri.Host.ToLowerInvariant();
            host = host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;
            if (!hosts.Contains(host))
            {
                hosts.Add(host);
            }
        }
    }

    [GeneratedRegex(@"(?:https?://|www\.)\S+", RegexOptions.IgnoreCase)]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"(?<![\p{L}\p{N}_])#([\p{L}\p{N}_]+)")]
    private static partial Regex HashtagPattern();

    [GeneratedRegex(@"(?<![\p{L}\p{N}_])@[\p{L}\p{N}_.]+")]
    private static partial Regex MentionPattern();

    [GeneratedRegex(@"(?:(?<=^|\s)\.)?[\p{L}\p{N}]+(?:[.\-&+'’][\p{L}\p{N}]+)*[#+]*(?:'s|’s)?")]
    private static partial Regex WordPattern();

    private sealed record Entry(Topic Topic, bool Ambiguous, string Evidence);
}
