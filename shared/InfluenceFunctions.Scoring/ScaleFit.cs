namespace InfluenceFunctions.Scoring;

/// <summary>
/// Refits model v2's network scales and calibration from one night's <see cref="ScaleSummary"/> and blends them into
/// the previous night's, as <see cref="Calibration.Trailing"/> does for the knots (an equal average of the first
/// nights, then 5% a night). In order, each stage under the blended result of the one before: every signal's scale
/// per network, the graph's scale, each network's composite scale, then the knots from the raw indexes the sampled
/// users get under the new scales. Work and memory depend on the summary's size only, never on the population's.
/// </summary>
public static class ScaleFit
{
    /// <summary>A network (or the graph) needs this many sampled users with a signal for a scale of its own.</summary>
    public const int MinimumSample = 50;

    /// <summary>The nightly update: the summary blended into <paramref name="previous"/> with <see cref="Calibration.TrailingWeight"/>.</summary>
    /// <param name="matchPercentiles">
    /// Where each score starts (<see cref="Calibration.PercentilesMatching"/> of the live model's scores) while v2 runs in
    /// shadow: its knots then follow the live distribution, so at the switch people move by their change of order only;
    /// null (v2 live) fits the knots to the calibration's shape, to which the trailing blend then moves them night by night.
    /// </param>
    public static Calibration Trailing(Calibration previous, ScaleSummary summary, IReadOnlyList<double>? matchPercentiles = null)
    {
        ArgumentNullException.ThrowIfNull(previous);
        return Blend(previous, summary, Calibration.TrailingWeight(previous.SampleNights), matchPercentiles);
    }

    /// <summary>Scales and knots fitted to this summary alone (the offline scorer's own population).</summary>
    public static Calibration Fit(Calibration start, ScaleSummary summary)
    {
        ArgumentNullException.ThrowIfNull(start);
        return Blend(start, summary, 1);
    }

    public static Calibration Blend(Calibration previous, ScaleSummary summary, double weight, IReadOnlyList<double>? matchPercentiles = null)
    {
        if (matchPercentiles is not null && matchPercentiles.Count != Calibration.Points)
        {
            throw new ArgumentException($"One percentile per score ({Calibration.Points}).", nameof(matchPercentiles));
        }

        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(summary);
        if (!(weight is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), "The weight is between 0 and 1.");
        }

        if (summary.Users == 0)
        {
            return previous;
        }

        var before = previous.Scales ?? NetworkScales.Prior;
        var uniform = summary.Uniform.ToList();

        // Stage 1: each signal on each network, and pooled over all networks; the graph.
        var entries = new Dictionary<string, NetworkScales.Entry>(StringComparer.Ordinal);
        foreach (var (network, entry) in before.Entries)
        {
            entries[network] = entry; // networks not seen tonight keep theirs
        }

        var names = summary.Networks.Keys.Order(StringComparer.Ordinal).ToList();
        foreach (var network in names.Append(NetworkScales.Pooled))
        {
            var pooled = network == NetworkScales.Pooled;
            var tallies = pooled ? summary.Networks.Values.ToList() : [summary.Networks[network]];
            var entry = new NetworkScales.Entry(tallies.Sum(t => t.Users));
            var previousResolved = before.For(network);
            for (var s = 0; s < V2Signals.Count; s++)
            {
                var scale = previousResolved.Signals[s];
                var values = new List<double>();
                foreach (var user in uniform)
                {
                    for (var i = 0; i < user.Networks.Length; i++)
                    {
                        if ((pooled || user.Networks[i] == network) && user.SignalsOf(i)[s] is var v && !float.IsNaN(v))
                        {
                            values.Add(scale.Transform(v));
                        }
                    }
                }

                var present = tallies.Sum(t => t.Present[s]);
                if (values.Count < Math.Min(MinimumSample, present) || present < MinimumSample)
                {
                    entry.Signals[s] = before.Fitted(network, (V2Signal)s);
                    continue;
                }

                var top = new ScaleSummary.TopValues(summary.TopCapacity);
                foreach (var tally in tallies)
                {
                    top.Merge(tally.Top[s]);
                }

                values.Sort();
                var fitted = SignalScale.Fit(scale.Log, values.ToArray(), top.Descending().Select(scale.Transform).ToArray(), present);
                entry.Signals[s] = SignalScale.Blend(scale, fitted, weight);
            }

            entry.Composite = before.FittedComposite(network);
            entries[network] = entry;
        }

        var graph = before.Graph;
        var graphValues = uniform.Where(u => !float.IsNaN(u.Graph)).Select(u => graph.Transform(u.Graph)).Order().ToArray();
        if (graphValues.Length >= Math.Min(MinimumSample, summary.GraphUsers) && summary.GraphUsers >= MinimumSample)
        {
            var fitted = SignalScale.Fit(graph.Log, graphValues, summary.GraphTopDescending.ToArray().Select(graph.Transform).ToArray(), summary.GraphUsers);
            graph = SignalScale.Blend(graph, fitted, weight);
        }

        // Stage 2: each network's composite under the new signal scales, and pooled.
        var signalScales = new NetworkScales(entries, graph);
        var allComposites = new List<double>();
        var allTop = new List<double>();
        foreach (var network in names)
        {
            var tally = summary.Networks[network];
            var composites = new List<double>();
            foreach (var user in uniform)
            {
                var i = Array.IndexOf(user.Networks, network);
                if (i >= 0 && CompositeOf(user, i, signalScales) is var c && !double.IsNaN(c))
                {
                    composites.Add(c);
                }
            }

            var top = tally.TopByComposite.Select(t => CompositeOf(t.User, t.Index, signalScales)).Where(c => !double.IsNaN(c)).ToList();
            allComposites.AddRange(composites);
            allTop.AddRange(top);
            var entry = entries[network];
            if (composites.Count >= Math.Min(MinimumSample, tally.Users) && tally.Users >= MinimumSample)
            {
                entry.Composite = FitBlended(before.For(network).Composite, composites, top, tally.Users, summary.TopCapacity, weight);
            }
        }

        if (allComposites.Count >= MinimumSample)
        {
            entries[NetworkScales.Pooled].Composite = FitBlended(
                before.For(NetworkScales.Pooled).Composite, allComposites, allTop, summary.Networks.Values.Sum(t => t.Users), summary.TopCapacity, weight);
        }

        // Stage 3: the knots, from the raw indexes under the new scales.
        var scales = new NetworkScales(entries, graph);
        var raws = uniform.Select(u => RawOf(u, scales)).Where(double.IsFinite).Order().ToArray();
        var topRaws = summary.TopByRaw.Select(u => RawOf(u, scales)).Where(double.IsFinite).OrderDescending().ToArray();
        var knots = matchPercentiles is null
            ? Calibration.KnotsOf(raws, topRaws, summary.Users, previous.Shape)
            : Calibration.KnotsMatching(raws, topRaws, summary.Users, matchPercentiles);
        // Matched knots follow tonight's live distribution whole: they are not served until the switch, and then they are
        // where people are (the trailing blend takes them to the shape from there).
        return Calibration.BlendKnots(previous, knots, matchPercentiles is null ? weight : 1, scales);
    }

    /// <summary>A sampled user's raw index under <paramref name="scales"/>.</summary>
    internal static double RawOf(UserObservation user, NetworkScales scales)
    {
        var graphZ = float.IsNaN(user.Graph) ? double.NaN : scales.Graph.Map(user.Graph);
        Span<double> x = stackalloc double[V2Signals.MeasuredCount];
        double max = double.NegativeInfinity, sum = 0;
        for (var i = 0; i < user.Networks.Length; i++)
        {
            var scale = scales.For(user.Networks[i]);
            Widen(user.SignalsOf(i), x);
            if (V2Formula.Composite(x, graphZ, scale, out var composite, out _, out _))
            {
                V2Formula.SoftMaxAdd(ref max, ref sum, scale.Composite.Map(composite));
            }
        }

        return V2Formula.SoftMax(max, sum);
    }

    private static double CompositeOf(UserObservation user, int index, NetworkScales scales)
    {
        var graphZ = float.IsNaN(user.Graph) ? double.NaN : scales.Graph.Map(user.Graph);
        Span<double> x = stackalloc double[V2Signals.MeasuredCount];
        Widen(user.SignalsOf(index), x);
        return V2Formula.Composite(x, graphZ, scales.For(user.Networks[index]), out var composite, out _, out _) ? composite : double.NaN;
    }

    private static SignalScale FitBlended(SignalScale previous, List<double> sample, List<double> top, long population, int topCapacity, double weight)
    {
        sample.Sort();
        var topDescending = top.OrderDescending().Take(topCapacity).ToArray();
        return SignalScale.Blend(previous, SignalScale.Fit(false, sample.ToArray(), topDescending, population), weight);
    }

    private static void Widen(ReadOnlySpan<float> from, Span<double> to)
    {
        for (var i = 0; i < from.Length; i++)
        {
            to[i] = from[i];
        }
    }
}
