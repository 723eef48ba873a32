using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain;
using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Seeding;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Cli;

/// <summary>
/// bench-nightly: seeds N demo users into a fresh Azurite, runs two nights through the durable orchestration
/// (the second is the steady state: it has a yesterday and a population), then reads and writes the same rows
/// bare (partition queries, 100-entity transactions, same parallelism) as the storage floor, all in one run.
/// </summary>
internal static class BenchNightlyCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var users = 10_000;
        var shards = 64;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var ok = args[i] switch
            {
                "--users" => int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out users) && users > 0,
                "--shards" => int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out shards) && shards > 0,
                _ => false,
            };
            if (!ok)
            {
                await Console.Error.WriteLineAsync("usage: influence bench-nightly [--users N] [--shards N]");
                return 2;
            }
        }

        await using var environment = await LocalEnvironment.StartAsync(shards);
        var tables = environment.Tables;
        var counter = environment.Counter;
        var night = environment.Night;
        var seedClock = Stopwatch.StartNew();
        var seeded = await new DemoPopulation(tables, environment.App.Services.GetRequiredService<IOptions<InfluenceOptions>>().Value)
            .SeedAsync(users, night, seed: 42, progress: null, CancellationToken.None);
        Console.WriteLine($"seeded {seeded.Users:N0} users ({seeded.EngagementEntries:N0} engagements) in {seedClock.Elapsed.TotalSeconds:F1} s");

        NightlyRunSummary? summary = null;
        double wallSeconds = 0;
        foreach (var day in new[] { night.AddDays(-1), night })
        {
            var clock = Stopwatch.StartNew();
            summary = await environment.RunNightAsync(day);
            wallSeconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"night {day:yyyy-MM-dd}: {summary.UsersScored + summary.UsersUnscored:N0} users in {wallSeconds:F2} s, {summary.StorageTransactions:N0} transactions");
        }

        var floor = await StorageFloorAsync(tables, counter, shards);
        var usersTotal = summary!.UsersScored + summary.UsersUnscored;
        Console.WriteLine();
        Console.WriteLine($"| users | shards | nightly run (s) | users/s | transactions | per user | storage floor (s) | floor transactions | run / floor |");
        Console.WriteLine($"| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {usersTotal:N0} | {shards} | {wallSeconds:F2} | {usersTotal / wallSeconds:N0} | {summary.StorageTransactions:N0} | {summary.TransactionsPerUser:F4} | {floor.Seconds:F2} | {floor.Transactions:N0} | {wallSeconds / floor.Seconds:F2} |"));
        return 0;
    }

    /// <summary>
    /// The same rows the run reads and writes, with nothing else: partition queries and 100-entity upserts, as many
    /// shards at once as the local host's engine runs activities (LocalHost:MaxConcurrentWorkItems, 8).
    /// </summary>
    private static async Task<(double Seconds, long Transactions)> StorageFloorAsync(InfluenceTables tables, StorageRequestCounter counter, int shards)
    {
        var before = counter.Total;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, shards), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (shard, ct) =>
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Shards.Key(shard)}");
            await foreach (var _ in tables.Signals.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: ct))
            {
            }

            var scores = new List<TableEntity>();
            await foreach (var row in tables.Scores.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: ct))
            {
                scores.Add(row);
            }

            await TableBatches.UpsertAsync(tables.Scores, scores, TableUpdateMode.Replace, ct);
        });
        return (clock.Elapsed.TotalSeconds, counter.Total - before);
    }
}
