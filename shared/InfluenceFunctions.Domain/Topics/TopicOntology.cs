using System.Collections.Frozen;
using System.Text.Json;

namespace InfluenceFunctions.Domain.Topics;

/// <summary>One topic of the ontology (Topics/ontology.json). Ids are stable: stored rows and leaderboards use them.</summary>
public sealed record Topic(
    string Id,
    string Name,
    string? Parent,
    IReadOnlyList<string> Terms,
    IReadOnlyList<string> Hashtags,
    IReadOnlyList<string> Domains,
    IReadOnlyList<string> Ambiguous,
    IReadOnlyList<string> Context);

/// <summary>
/// The topic hierarchy shipped as data (an embedded resource, so both hosts and the tests read the same file).
/// Loaded once; immutable.
/// </summary>
public sealed class TopicOntology
{
    private const string ResourceName = "InfluenceFunctions.Topics.ontology.json";
    private static readonly Lazy<TopicOntology> Shipped = new(() => Load(typeof(TopicOntology).Assembly.GetManifestResourceStream(ResourceName)
        ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.")));

    private readonly FrozenDictionary<string, Topic> byId;

    private TopicOntology(string version, IReadOnlyList<Topic> topics, IReadOnlyList<string> stopPhrases)
    {
        Version = version;
        Topics = topics;
        StopPhrases = stopPhrases;
        byId = topics.ToFrozenDictionary(t => t.Id, StringComparer.Ordinal);
        foreach (var topic in topics)
        {
            if (topic.Parent is { } parent && !byId.ContainsKey(parent))
            {
                throw new InvalidOperationException($"Topic '{topic.Id}' names an unknown parent '{parent}'.");
            }
        }
    }

    /// <summary>The ontology shipped in this build.</summary>
    public static TopicOntology Default => Shipped.Value;

    public string Version { get; }

    public IReadOnlyList<Topic> Topics { get; }

    /// <summary>Phrases that attribute nothing and hide their words from matching ("hot dog", "spill the tea").</summary>
    public IReadOnlyList<string> StopPhrases { get; }

    public Topic? Find(string? id) => id is not null && byId.TryGetValue(id, out var topic) ? topic : null;

    /// <summary>The topic's ancestors, nearest first.</summary>
    public IEnumerable<Topic> Ancestors(Topic topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        for (var parent = Find(topic.Parent); parent is not null; parent = Find(parent.Parent))
        {
            yield return parent;
        }
    }

    /// <summary>"Sports > Baseball > Minnesota Twins".</summary>
    public string PathOf(Topic topic) => string.Join(" > ", Ancestors(topic).Reverse().Select(t => t.Name).Append(topic.Name));

    public static TopicOntology Load(Stream json)
    {
        var document = JsonSerializer.Deserialize<OntologyDocument>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("The ontology is empty.");
        var topics = (document.Topics ?? []).Select(t => new Topic(
            t.Id ?? throw new InvalidOperationException("A topic has no id."),
            t.Name ?? t.Id,
            t.Parent,
            t.Terms ?? [],
            t.Hashtags ?? [],
            t.Domains ?? [],
            t.Ambiguous ?? [],
            t.Context ?? [])).ToList();
        return new TopicOntology(document.Version ?? "unversioned", topics, document.StopPhrases ?? []);
    }

    private sealed class OntologyDocument
    {
        public string? Version { get; set; }

        public string? Note { get; set; }

        public List<string>? StopPhrases { get; set; }

        public List<TopicDocument>? Topics { get; set; }
    }

    private sealed class TopicDocument
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public string? Parent { get; set; }

        public List<string>? Terms { get; set; }

        public List<string>? Hashtags { get; set; }

        public List<string>? Domains { get; set; }

        public List<string>? Ambiguous { get; set; }

        public List<string>? Context { get; set; }
    }
}
