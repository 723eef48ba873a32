using System.Diagnostics;
using System.Globalization;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Evaluation;

/// <summary>One ranking's agreement with the truth, overall and per network, and how it treats each odd group.</summary>
/// <param name="Name">The ranking.</param>
/// <param name="Overall">Over everybody.</param>
/// <param name="PerNetwork">Over the people on each network (their overall value).</param>
/// <param name="PathologyShift">
/// Per group, the mean of (predicted percentile - true percentile) in percentile points: how far the ranking lifts (+)
/// or sinks (-) the group compared with its true influence.
/// </param>
public sealed record RankingResult(string Name, RankAgreement Overall, IReadOnlyDictionary<string, RankAgreement> PerNetwork, IReadOnlyDictionary<Pathology, double> PathologyShift);

/// <summary>The figures of (a): each ranking against the hidden truth, on the last night.</summary>
public sealed record SyntheticBenchmarkResult(int People, int Nights, int Seed, IReadOnlyList<RankingResult> Rankings, TimeSpan Elapsed);

/// <summary>
/// Part (a) of <c>influence eval</c>: the <see cref="LatentWorld"/> replayed for a few nights with v1 and v2 side by
/// side (population feedback included), then every ranking - v1, v2 and the three <see cref="Baselines"/> - compared
/// with the hidden influence.
/// </summary>
public static class SyntheticBenchmark
{
    public static SyntheticBenchmarkResult Run(LatentWorldOptions options, int nights, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(nights, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nights, LatentWorld.MaxNights);
        var clock = Stopwatch.StartNew();
        var world = LatentWorld.Create(options);
        var people = world.People;
        var fresh = world.FreshKeys.Select(k => (k, new PopulationEntry(3, PopulationFlags.New))).ToList();
        var replay = new NightlyReplay([ScoreModels.Default.Get(ScoreModelV1.ModelVersion), ScoreModels.Default.Get(ScoreModelV2.ModelVersion)], people.Count, establishedFromStart: true, fresh);
        var baselines = new double[people.Count][];
        for (var night = 0; night < nights; night++)
        {
            var last = night == nights - 1;
            replay.RunNight(i => world.InputFor(people[i], night), last ? (i, input) => baselines[i] = Baselines.Of(input) : null, threads);
        }

        var truth = people.Select(p => p.Influence).ToArray();
        var rankings = new List<RankingResult>();
        foreach (var run in replay.Runs)
        {
            // Unscored people rank below everybody scored (0).
            var scores = run.Current.Select(r => r?.Score is int s ? (double)s : 0).ToArray();
            rankings.Add(Judge(run.Model.Version + " score", scores, truth, people));
        }

        for (var b = 0; b < Baselines.Names.Count; b++)
        {
            rankings.Add(Judge(Baselines.Names[b], baselines.Select(v => v[b]).ToArray(), truth, people));
        }

        return new SyntheticBenchmarkResult(people.Count, nights, options.Seed, rankings, clock.Elapsed);
    }

    public static void Print(SyntheticBenchmarkResult result, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        var networks = NetworkModel.All.Select(n => n.Name).ToList();
        var width = Math.Max(14, result.Rankings.Max(r => r.Name.Length) + 1);
        output.WriteLine(Invariant($"(a) synthetic latent-influence benchmark: {result.People:N0} people, seed {result.Seed}, {result.Nights} nights, scores of the last night ({result.Elapsed.TotalSeconds:0.0} s)"));
        output.WriteLine();
        output.WriteLine("Spearman against the hidden influence (people on each network, ranked by their overall value):");
        output.WriteLine("  " + "ranking".PadRight(width) + Columns(["all", .. networks]));
        foreach (var ranking in result.Rankings)
        {
            output.WriteLine("  " + ranking.Name.PadRight(width) + Columns(
                [Number(ranking.Overall.Spearman), .. networks.Select(n => ranking.PerNetwork.TryGetValue(n, out var a) ? Number(a.Spearman) : "-")]));
        }

        output.WriteLine(Invariant($"  {"people".PadRight(width)}{Columns([Count(result.Rankings[0].Overall.Count), .. networks.Select(n => result.Rankings[0].PerNetwork.TryGetValue(n, out var a) ? Count(a.Count) : "-")])}"));
        output.WriteLine();
        output.WriteLine("The top 1%: precision of the predicted top 1% (ties shared out), distinct values in it, share of it tied with someone:");
        output.WriteLine("  " + "ranking".PadRight(width) + Columns(["precision", "distinct", "tied", .. networks.Select(n => n[..Math.Min(n.Length, 9)] + " p")]));
        foreach (var ranking in result.Rankings)
        {
            output.WriteLine("  " + ranking.Name.PadRight(width) + Columns(
                [Number(ranking.Overall.TopPrecision), Count(ranking.Overall.TopDistinct), Number(ranking.Overall.TopTied),
                 .. networks.Select(n => ranking.PerNetwork.TryGetValue(n, out var a) ? Number(a.TopPrecision) : "-")]));
        }

        output.WriteLine();
        output.WriteLine("Odd groups: mean (predicted - true) percentile, in points (+ lifted above their true influence, - sunk):");
        var groups = Enum.GetValues<Pathology>().Where(p => p != Pathology.None).ToList();
        output.WriteLine("  " + "ranking".PadRight(width) + string.Concat(groups.Select(g => Label(g).PadLeft(19))));
        foreach (var ranking in result.Rankings)
        {
            output.WriteLine("  " + ranking.Name.PadRight(width) + string.Concat(groups.Select(g => (ranking.PathologyShift.TryGetValue(g, out var v) ? v.ToString("+0.0;-0.0", CultureInfo.InvariantCulture) : "-").PadLeft(19))));
        }
    }

    private static RankingResult Judge(string name, double[] predicted, double[] truth, IReadOnlyList<LatentPerson> people)
    {
        var perNetwork = new Dictionary<string, RankAgreement>(StringComparer.Ordinal);
        foreach (var network in NetworkModel.All)
        {
            var members = people.Where(p => p.Networks.Any(n => n.Network == network)).Select(p => p.Index).ToList();
            if (members.Count >= 100)
            {
                perNetwork[network.Name] = RankMetrics.Agreement(members.Select(i => predicted[i]).ToList(), members.Select(i => truth[i]).ToList());
            }
        }

        var predictedPercentile = Percentiles(predicted);
        var truePercentile = Percentiles(truth);
        var shifts = people.Where(p => p.Pathology != Pathology.None)
            .GroupBy(p => p.Pathology)
            .ToDictionary(g => g.Key, g => g.Average(p => 100 * (predictedPercentile[p.Index] - truePercentile[p.Index])));
        return new RankingResult(name, RankMetrics.Agreement(predicted, truth), perNetwork, shifts);
    }

    private static double[] Percentiles(double[] values)
    {
        var ranks = RankMetrics.Ranks(values);
        return ranks.Select(r => (r - 0.5) / values.Length).ToArray();
    }

    private static string Label(Pathology pathology) => pathology switch
    {
        Pathology.FakeFollowers => "bought audience",
        Pathology.Ring => "ring",
        Pathology.SilentAudience => "silent audience",
        _ => "bought engagement",
    };

    private static string Columns(IEnumerable<string> cells) => string.Concat(cells.Select(c => c.PadLeft(13)));

    private static string Number(double value) => double.IsNaN(value) ? "-" : value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
