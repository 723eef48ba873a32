using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Api;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Seeding;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;

namespace InfluenceFunctions.Cli;

/// <summary>
/// import: loads a real interaction graph (SNAP `src dst weight`, or dated CSV `from,to,date[,...]`) into a fresh
/// Azurite as engagement, runs the nightly recalculation on it, and prints the score distribution (and, with
/// --shadow VERSION, each night's live-against-shadow diff report; --live VERSION overrides the live model).
/// </summary>
internal static class ImportCommand
{
    private const string Usage = "usage: influence import (--snap FILE | --csv FILE) [--shards N] [--nights N] [--live VERSION] [--shadow VERSION]";

    public static async Task<int> RunAsync(string[] args)
    {
        string? snap = null, csv = null, live = null, shadow = null;
        int shards = 64, nights = 2;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--snap": snap = args[i + 1]; break;
                case "--csv": csv = args[i + 1]; break;
                case "--live" when ScoreModels.Default.Contains(args[i + 1]): live = args[i + 1]; break;
                case "--shadow" when ScoreModels.Default.Contains(args[i + 1]): shadow = args[i + 1]; break;
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

        var settings = new Dictionary<string, string?>();
        if (live is not null)
        {
            settings["Influence:LiveModelVersion"] = live;
        }

        if (shadow is not null)
        {
            settings["Influence:ShadowModelVersion"] = shadow;
        }

        await using var environment = await LocalEnvironment.StartAsync(shards, settings);
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
            if (shadow is not null)
            {
                var report = await environment.App.Services.GetRequiredService<NightlyRunService>().LatestShadowReportAsync(shadow, CancellationToken.None);
                Console.WriteLine(report is { Report: var r } ? ShadowReportLine(r) : $"no shadow report for {shadow}");
            }
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

        var top = scores.AsEnumerable().Reverse().Take(1_000).Distinct().Count();
        int P(double q) => scores[Math.Min(scores.Count - 1, (int)(q * scores.Count))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scores: n={scores.Count:N0} mean={scores.Average():F1} p50={P(0.5)} p90={P(0.9)} p95={P(0.95)} p99={P(0.99)} p99.9={P(0.999)} max={scores[^1]} share>=65={100.0 * scores.Count(s => s >= 65) / scores.Count:F2}% share>80={100.0 * scores.Count(s => s > 80) / scores.Count:F2}% share=100={100.0 * scores.Count(s => s == 100) / scores.Count:F3}% distinct-in-top-1000={top} (total {clock.Elapsed.TotalSeconds:F1} s)"));
    }

    /// <summary>The diff report in one line: what a switch would do to the scores.</summary>
    internal static string ShadowReportLine(ShadowDiffReport r) => string.Create(
        CultureInfo.InvariantCulture,
        $"shadow {r.LiveVersion} -> {r.ShadowVersion}: both scored {r.ScoredByBoth:N0}; live mean {r.Live.Mean:F1} p50 {r.Live.P50} p90 {r.Live.P90} p99 {r.Live.P99} >80 {100 * r.Live.ShareAbove80:F2}%; shadow mean {r.Shadow.Mean:F1} p50 {r.Shadow.P50} p90 {r.Shadow.P90} p99 {r.Shadow.P99} >80 {100 * r.Shadow.ShareAbove80:F2}%; change mean {r.MeanChange:F2} median {r.MedianChange} median |change| {r.MedianAbsoluteChange} mean |change| {r.MeanAbsoluteChange:F2} p99 |change| {r.P99AbsoluteChange}; moving more than {ShadowDiffReport.SmallMove}: {100 * r.ShareMovingMoreThanSmallMove:F1}%; became scored {r.BecameScored}, unscored {r.BecameUnscored}");
}
