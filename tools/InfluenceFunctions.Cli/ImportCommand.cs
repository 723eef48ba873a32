using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Api;
using InfluenceFunctions.Seeding;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Cli;

/// <summary>
/// import: loads a real interaction graph (SNAP `src dst weight`, or dated CSV `from,to,date[,...]`) into a fresh
/// Azurite as engagement, runs the nightly recalculation on it, and prints the score distribution.
/// </summary>
internal static class ImportCommand
{
    private const string Usage = "usage: influence import (--snap FILE | --csv FILE) [--shards N] [--nights N]";

    public static async Task<int> RunAsync(string[] args)
    {
        string? snap = null, csv = null;
        int shards = 64, nights = 2;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--snap": snap = args[i + 1]; break;
                case "--csv": csv = args[i + 1]; break;
                case "--shards" when int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out shards) && shards > 0: break;
                case "--nights" when int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out nights) && nights > 0: break;
                default:
                    await Console.Error.WriteLineAsync(Usage);
                    return 2;
            }
        }

        if ((snap is null) == (csv is null) || args.Length % 2 != 0)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var path = snap ?? csv!;
        if (!File.Exists(path))
        {
            await Console.Error.WriteLineAsync($"import: no file {path}");
            return 1;
        }

        await using var environment = await LocalEnvironment.StartAsync(shards);
        var clock = Stopwatch.StartNew();
        List<GraphEdge> edges;
        try
        {
            using var reader = File.OpenText(path);
            edges = snap is not null ? GraphFiles.ReadSnap(reader, environment.Night) : GraphFiles.ReadDatedCsv(reader, environment.Night);
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync($"import: {path}: {e.Message}");
            return 1;
        }

        var importer = new GraphImporter(environment.Tables, environment.App.Services.GetRequiredService<IOptions<InfluenceOptions>>().Value);
        var (users, edgeCount) = await importer.ImportAsync(edges, CancellationToken.None);
        Console.WriteLine($"imported {edgeCount:N0} edges, {users:N0} users from {Path.GetFileName(path)} in {clock.Elapsed.TotalSeconds:F1} s");

        // Several nights so the Network component (engagers weighted by last night's scores) has converged a little;
        // the distribution after each night shows how the scores and the trailing calibration settle.
        for (var n = nights - 1; n >= 0; n--)
        {
            var night = environment.Night.AddDays(-n);
            var nightClock = Stopwatch.StartNew();
            var summary = await environment.RunNightAsync(night);
            Console.WriteLine($"night {night:yyyy-MM-dd}: {summary.UsersScored:N0} scored, {summary.UsersUnscored:N0} unscored in {nightClock.Elapsed.TotalSeconds:F1} s, {summary.TransactionsPerUser:F4} transactions per user");
            await PrintDistributionAsync(environment, clock);
        }

        return 0;
    }

    private static async Task PrintDistributionAsync(LocalEnvironment environment, Stopwatch clock)
    {
        var scores = new List<int>();
        await foreach (var row in environment.Tables.Scores.QueryAsync<TableEntity>(select: ["Score"]))
        {
            if (row.GetInt32("Score") is { } score)
            {
                scores.Add(score);
            }
        }

        scores.Sort();
        if (scores.Count == 0)
        {
            Console.WriteLine("no user was scored");
            return;
        }

        int P(double q) => scores[Math.Min(scores.Count - 1, (int)(q * scores.Count))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scores: n={scores.Count:N0} mean={scores.Average():F1} p50={P(0.5)} p90={P(0.9)} p95={P(0.95)} p99={P(0.99)} p99.9={P(0.999)} max={scores[^1]} share>=65={100.0 * scores.Count(s => s >= 65) / scores.Count:F2}% share>80={100.0 * scores.Count(s => s > 80) / scores.Count:F2}% share=100={100.0 * scores.Count(s => s == 100) / scores.Count:F3}% (total {clock.Elapsed.TotalSeconds:F1} s)"));
    }
}
