using System.Globalization;
using InfluenceFunctions.Evaluation;

namespace InfluenceFunctions.Cli;

/// <summary>
/// eval: the score model's evaluation harness (docs/score-model.md, "Evaluation"): (a) the synthetic latent-influence
/// benchmark, v1, v2 and the three baselines against the hidden truth; (b) the real graphs under --datasets, replayed
/// night by night in memory; (c) v1 and v2 side by side in both. No storage.
/// </summary>
internal static class EvalCommand
{
    private const string Usage = "usage: influence eval [--people N] [--nights N] [--seed N] [--datasets DIR] [--graph-nights N] [--all-graphs] [--skip-synthetic]";

    public static async Task<int> RunAsync(string[] args)
    {
        int people = 20_000, nights = 3, seed = 2026, graphNights = 6;
        string? datasets = null;
        bool allGraphs = false, skipSynthetic = false;
        for (var i = 0; i < args.Length; i++)
        {
            var next = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--people" when TryCount(next, out people): i++; break;
                case "--nights" when TryCount(next, out nights) && nights <= LatentWorld.MaxNights: i++; break;
                case "--seed" when TryCount(next, out seed): i++; break;
                case "--graph-nights" when TryCount(next, out graphNights): i++; break;
                case "--datasets" when next is not null: datasets = next; i++; break;
                case "--all-graphs": allGraphs = true; break;
                case "--skip-synthetic": skipSynthetic = true; break;
                default:
                    await Console.Error.WriteLineAsync(Usage);
                    return 2;
            }
        }

        if (!skipSynthetic)
        {
            var result = SyntheticBenchmark.Run(new LatentWorldOptions(people, seed), nights);
            SyntheticBenchmark.Print(result, Console.Out);
            Console.WriteLine();
        }

        if (datasets is null || !Directory.Exists(datasets))
        {
            Console.WriteLine(datasets is null
                ? "(b) real graphs: skipped (give --datasets DIR, e.g. ../shared/datasets)"
                : $"(b) real graphs: skipped ({datasets} does not exist)");
            return 0;
        }

        var graphs = GraphReplay.Find(datasets, allGraphs);
        if (graphs.Count == 0)
        {
            Console.WriteLine($"(b) real graphs: skipped (no known graph file under {datasets})");
            return 0;
        }

        foreach (var graph in graphs)
        {
            GraphReplay.Print(GraphReplay.Run(graph, graphNights), Console.Out);
            Console.WriteLine();
        }

        return 0;
    }

    private static bool TryCount(string? text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
}
