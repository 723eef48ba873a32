using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// Model v2's measure of every signal against its own network's population: per network, one
/// <see cref="SignalScale"/> per <see cref="V2Signal"/> and one for the network's composite strength, plus one for
/// the engager-weighted engagement (the graph, which is not split by network). Refreshed each night beside the
/// calibration (<see cref="ScaleFit"/>) from bounded samples. A network (or signal) with too few users in the sample
/// borrows the pooled scale of all networks, and before any sample exists a documented prior is used
/// (<see cref="Prior"/>): a scale is always there, it just gets better.
/// </summary>
public sealed class NetworkScales
{
    /// <summary>The key of the pooled scales (all networks together).</summary>
    public const string Pooled = "*";

    private readonly Dictionary<string, Entry> entries;
    private readonly ConcurrentDictionary<string, ResolvedNetworkScale> resolved = new(StringComparer.Ordinal);
    private readonly Func<string, ResolvedNetworkScale> resolve;

    internal NetworkScales(Dictionary<string, Entry> entries, SignalScale? graph)
    {
        this.entries = entries;
        Graph = graph ?? PriorGraph;
        resolve = Resolve; // one delegate, not one per lookup
    }

    /// <summary>The scale of the engager-weighted engagement per day (population-wide).</summary>
    public SignalScale Graph { get; }

    /// <summary>The networks with scales of their own (not counting <see cref="Pooled"/>).</summary>
    public IEnumerable<string> Networks => entries.Keys.Where(k => k != Pooled).Order(StringComparer.Ordinal);

    /// <summary>Users the network's scales were last fitted on (0: not fitted, prior or pooled scales in use).</summary>
    public long UsersOf(string network) => entries.TryGetValue(network, out var entry) ? entry.Users : 0;

    /// <summary>The scale of a signal on a network as fitted (null: the network borrows the pooled or prior one).</summary>
    public SignalScale? Fitted(string network, V2Signal signal) =>
        entries.TryGetValue(network, out var entry) ? entry.Signals[(int)signal] : null;

    /// <summary>The composite scale of a network as fitted, or null.</summary>
    public SignalScale? FittedComposite(string network) =>
        entries.TryGetValue(network, out var entry) ? entry.Composite : null;

    /// <summary>The scales a network's users are measured with: its own, else the pooled ones, else the prior.</summary>
    public ResolvedNetworkScale For(string network)
    {
        ArgumentNullException.ThrowIfNull(network);

        // Network names are a handful of strings: a per-thread check by reference (then by value) avoids hashing each.
        var recent = recentlyResolved ??= new (NetworkScales?, string?, ResolvedNetworkScale?)[8];
        var home = (network.Length + (network.Length > 0 ? network[0] : 0)) & (recent.Length - 1);
        ref var slot = ref recent[home];
        if (ReferenceEquals(slot.Scales, this) && (ReferenceEquals(slot.Name, network) || string.Equals(slot.Name, network, StringComparison.Ordinal)))
        {
            return slot.Resolved!;
        }

        var result = resolved.GetOrAdd(network, resolve);
        slot = (this, network, result);
        return result;
    }

    [ThreadStatic]
    private static (NetworkScales? Scales, string? Name, ResolvedNetworkScale? Resolved)[]? recentlyResolved;

    /// <summary>The log-normal prior of a signal: (median, ln units per standard deviation). Documented in docs/score-model.md.</summary>
    public static (double Median, double LogSpread) PriorOf(V2Signal signal) => signal switch
    {
        V2Signal.EngagersPerDay => (0.5, 1.8),
        V2Signal.ReactionsPerPost => (3, 2.0),
        V2Signal.ResharesPerPost => (0.3, 2.0),
        V2Signal.RepliesPerPost => (0.3, 1.8),
        V2Signal.MentionsPerDay => (0.1, 1.8),
        V2Signal.ViewsPerPost => (150, 2.2),
        V2Signal.SavesPerPost => (0.2, 2.0),
        V2Signal.Followers => (300, 2.0),
        _ => (2, 1.6),
    };

    internal static readonly SignalScale[] PriorSignals = Enumerable.Range(0, V2Signals.Count)
        .Select(i => PriorOf((V2Signal)i))
        .Select(p => SignalScale.LogNormal(p.Median, p.LogSpread))
        .ToArray();

    /// <summary>A weighted mean of correlated standard scores spreads less than one of them.</summary>
    internal static readonly SignalScale PriorComposite = SignalScale.Normal(0, 0.8);

    internal static readonly SignalScale PriorGraph = SignalScale.LogNormal(0.01, 2.0);

    /// <summary>The cold-start scales: every signal on its log-normal prior, the composite on a normal one.</summary>
    /// <remarks>Declared after the priors it is made of: static fields initialize in order.</remarks>
    public static NetworkScales Prior { get; } = new(new Dictionary<string, Entry>(StringComparer.Ordinal), null);

    internal IReadOnlyDictionary<string, Entry> Entries => entries;

    internal string Serialize()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"scale;{Pooled};graph;0;{Graph.Serialize()}");
        foreach (var (network, entry) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            for (var s = 0; s < V2Signals.Count; s++)
            {
                if (entry.Signals[s] is { } scale)
                {
                    text.Append('\n').Append(CultureInfo.InvariantCulture, $"scale;{network};{V2Signals.Name((V2Signal)s)};{entry.Users};{scale.Serialize()}");
                }
            }

            if (entry.Composite is { } composite)
            {
                text.Append('\n').Append(CultureInfo.InvariantCulture, $"scale;{network};composite;{entry.Users};{composite.Serialize()}");
            }
        }

        return text.ToString();
    }

    internal static NetworkScales Parse(IEnumerable<string> lines)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        SignalScale? graph = null;
        foreach (var line in lines)
        {
            var parts = line.Split(';');
            if (parts.Length != 5 || parts[0] != "scale" || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var users))
            {
                throw new FormatException("Not a serialized network scale line.");
            }

            var scale = SignalScale.Parse(parts[4]);
            if (parts[2] == "graph")
            {
                graph = scale;
                continue;
            }

            if (!entries.TryGetValue(parts[1], out var entry))
            {
                entries[parts[1]] = entry = new Entry(users);
            }

            if (parts[2] == "composite")
            {
                entry.Composite = scale;
            }
            else if (V2Signals.TryParse(parts[2], out var signal))
            {
                entry.Signals[(int)signal] = scale;
            }
            else
            {
                throw new FormatException($"Unknown signal '{parts[2]}' in a network scale.");
            }
        }

        return new NetworkScales(entries, graph);
    }

    private ResolvedNetworkScale Resolve(string network)
    {
        entries.TryGetValue(network, out var own);
        entries.TryGetValue(Pooled, out var pooled);
        var signals = new SignalScale[V2Signals.Count];
        for (var s = 0; s < signals.Length; s++)
        {
            signals[s] = own?.Signals[s] ?? pooled?.Signals[s] ?? PriorSignals[s];
        }

        return new ResolvedNetworkScale(network, NetworkVocabulary.For(network), signals, own?.Composite ?? pooled?.Composite ?? PriorComposite);
    }

    /// <summary>One network's fitted scales (null where the sample was too small).</summary>
    internal sealed class Entry(long users)
    {
        public long Users { get; } = users;

        public SignalScale?[] Signals { get; } = new SignalScale?[V2Signals.Count];

        public SignalScale? Composite { get; set; }
    }
}

/// <summary>The scales one network's users are measured with, every one of them present, and its vocabulary.</summary>
public sealed class ResolvedNetworkScale
{
    internal ResolvedNetworkScale(string network, NetworkVocabulary vocabulary, SignalScale[] signals, SignalScale composite)
    {
        Network = network;
        Vocabulary = vocabulary;
        Signals = signals;
        Composite = composite;
        var weights = new double[V2Signals.Count];
        for (var s = 0; s < weights.Length; s++)
        {
            var signal = (V2Signal)s;
            weights[s] = vocabulary.Exposes(V2Signals.Source(signal)) ? V2Signals.Weight(signal, vocabulary.IsVideo) : 0;
        }

        Weights = weights;
    }

    public string Network { get; }

    public NetworkVocabulary Vocabulary { get; }

    /// <summary>Index: <see cref="V2Signal"/>.</summary>
    internal SignalScale[] Signals { get; }

    internal SignalScale Composite { get; }

    /// <summary>Each signal's weight in its group on this network; 0 where the network does not expose it.</summary>
    internal double[] Weights { get; }
}
