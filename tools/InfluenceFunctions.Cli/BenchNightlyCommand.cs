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
/// bare (partition queries, 100-entity transactions, same parallelism) as the storage floor, all in one run. Reports the
/// second night's time, run / floor, transactions per user, the completion step's time, the peak memory of this process
/// (the host) and of Azurite during that night, and (on the Azure Storage backend) the night's orchestration history.
/// </summary>
internal static class BenchNightlyCommand
{
    private const string Usage = "usage: influence bench-nightly [--users N] [--shards N] [--durable azurestorage|inmemory]";

    public static async Task<int> RunAsync(string[] args)
    {
        var users = 10_000;
        var shards = 64;
        var backend = DurableBackend.AzureStorage;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var ok = args[i] switch
            {
                "--users" => int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out users) && users > 0,
                "--shards" => int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out shards) && shards > 0,
                "--durable" => Enum.TryParse(args[i + 1], ignoreCase: true, out backend),
                _ => false,
            };
            if (!ok)
            {
                await Console.Error.WriteLineAsync(Usage);
                return 2;
            }
        }

        if (args.Length % 2 != 0)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var taskHub = "bench" + Guid.NewGuid().ToString("N")[..8];
        await using var environment = await LocalEnvironment.StartAsync(shards, new Dictionary<string, string?>
        {
            ["LocalHost:Durable:Backend"] = backend.ToString(),
            ["LocalHost:Durable:TaskHub"] = taskHub,
            ["Logging:LogLevel:InfluenceFunctions"] = Environment.GetEnvironmentVariable("BENCH_LOG") ?? "Warning",
            ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        });
        var tables = environment.Tables;
        var counter = environment.Counter;
        var night = environment.Night;
        Console.WriteLine($"durable backend {backend}, {shards} shards, load average {LoadAverage()}");
        var seedClock = Stopwatch.StartNew();
        var seeded = await new DemoPopulation(tables, environment.App.Services.GetRequiredService<IOptions<InfluenceOptions>>().Value)
            .SeedAsync(users, night, seed: 42, progress: null, CancellationToken.None);
        Console.WriteLine($"seeded {seeded.Users:N0} users ({seeded.EngagementEntries:N0} engagements) in {seedClock.Elapsed.TotalSeconds:F1} s; Azurite {Memory(environment.Azurite.ProcessId, "VmRSS")}");

        NightResult? result = null;
        foreach (var day in new[] { night.AddDays(-1), night })
        {
            // Peaks from here: seeding's buffers are not the night's (Linux: 5 > clear_refs resets VmHWM).
            GC.Collect();
            ResetPeak(Environment.ProcessId);
            ResetPeak(environment.Azurite.ProcessId);
            var (hostCpu, azuriteCpu) = (CpuSeconds(Environment.ProcessId), CpuSeconds(environment.Azurite.ProcessId));
            result = await RunNightAsync(environment, day);
            var summary = result.Summary;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"night {day:yyyy-MM-dd}: {summary.UsersScored + summary.UsersUnscored:N0} users in {result.Seconds:F2} s (completion {result.CompletionSeconds:F2} s), {summary.StorageTransactions:N0} transactions, CPU host {CpuSeconds(Environment.ProcessId) - hostCpu:F1} s, Azurite {CpuSeconds(environment.Azurite.ProcessId) - azuriteCpu:F1} s; peak host {Memory(Environment.ProcessId, "VmHWM")}, Azurite {Memory(environment.Azurite.ProcessId, "VmHWM")}; load {LoadAverage()}"));
        }

        var hostPeak = Memory(Environment.ProcessId, "VmHWM");
        var azuritePeak = Memory(environment.Azurite.ProcessId, "VmHWM");
        var history = backend == DurableBackend.AzureStorage
            ? await TaskHubHistory.MeasureAsync(environment.ConnectionString, taskHub, NightlyRunOrchestrator.InstanceIdFor(night))
            : null;
        if (history is not null)
        {
            Console.WriteLine($"history of the night: {history.TotalBytes:N0} bytes ({history.Instances} instances, {history.HistoryRows} history rows {history.HistoryBytes:N0} B, instance rows {history.InstanceBytes:N0} B, large-message blobs {history.BlobBytes:N0} B)");
        }

        var floorCpu = (Host: CpuSeconds(Environment.ProcessId), Azurite: CpuSeconds(environment.Azurite.ProcessId));
        var floor = await StorageFloorAsync(tables, counter, shards, night);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"storage floor: {floor.Seconds:F2} s, {floor.Transactions:N0} transactions, CPU host {CpuSeconds(Environment.ProcessId) - floorCpu.Host:F1} s, Azurite {CpuSeconds(environment.Azurite.ProcessId) - floorCpu.Azurite:F1} s; load {LoadAverage()}"));
        var final = result!.Summary;
        var usersTotal = final.UsersScored + final.UsersUnscored;
        Console.WriteLine();
        Console.WriteLine("| users | shards | nightly run (s) | users/s | transactions | per user | storage floor (s) | floor transactions | run / floor | completion (s) | host peak | Azurite peak | history (bytes) | load |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {usersTotal:N0} | {shards} | {result.Seconds:F2} | {usersTotal / result.Seconds:N0} | {final.StorageTransactions:N0} | {final.TransactionsPerUser:F4} | {floor.Seconds:F2} | {floor.Transactions:N0} | {result.Seconds / floor.Seconds:F2} | {result.CompletionSeconds:F2} | {hostPeak} | {azuritePeak} | {(history is null ? "-" : history.TotalBytes.ToString("N0", CultureInfo.InvariantCulture))} | {LoadAverage()} |"));
        return 0;
    }

    private sealed record NightResult(NightlyRunSummary Summary, double Seconds)
    {
        /// <summary>The completion activity's own time, as the run record holds it.</summary>
        public double CompletionSeconds => Summary.CompletionSeconds;
    }

    /// <summary>Runs a night through the orchestration and times it, start to finish (polled every 100 ms: a backend's own wait may poll slower).</summary>
    private static async Task<NightResult> RunNightAsync(LocalEnvironment environment, DateOnly day)
    {
        var client = environment.App.Services.GetRequiredService<DurableTaskClient>();
        var clock = Stopwatch.StartNew();
        var start = await environment.App.Services.GetRequiredService<NightlyRunScheduler>().StartOnDemandAsync(client, day, CancellationToken.None);
        while (true)
        {
            var instance = await client.GetInstanceAsync(start.InstanceId, getInputsAndOutputs: true);
            if (instance?.IsCompleted == true)
            {
                return instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed
                    ? new NightResult(instance.ReadOutputAs<NightlyRunSummary>()!, clock.Elapsed.TotalSeconds)
                    : throw new InvalidOperationException($"{start.InstanceId}: {instance.RuntimeStatus} {instance.FailureDetails?.ErrorMessage ?? instance.SerializedOutput}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// The same rows the night read and wrote, with nothing else: once, last night's population partition and +K graph
    /// rows; per shard, the partition queries of signals, scores and topics, the score rows upserted back in 100-entity
    /// transactions, and the shard's population row and topic hand-over rows written again. As many shards at once as the
    /// local host's engine runs activities (LocalHost:MaxConcurrentWorkItems, 8). No scoring, no orchestration.
    /// </summary>
    private static async Task<(double Seconds, long Transactions)> StorageFloorAsync(InfluenceTables tables, StorageRequestCounter counter, int shards, DateOnly night)
    {
        // The night's own rows, to write back as they are (read outside the clock: the night computed them).
        var population = await ReadPartitionAsync(tables.Population, DayKeys.Of(night));
        var handOver = await ReadPartitionAsync(tables.TopicNights, DayKeys.Of(night));
        var before = counter.Total;
        var clock = Stopwatch.StartNew();
        await ReadPartitionAsync(tables.Population, DayKeys.Of(night.AddDays(-1)));
        await ReadPartitionAsync(tables.TopicNights, DayKeys.Of(night.AddDays(-1)));
        await Parallel.ForEachAsync(Enumerable.Range(0, shards), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (shard, ct) =>
        {
            var key = Shards.Key(shard);
            await ReadPartitionAsync(tables.Signals, key);
            await ReadPartitionAsync(tables.Topics, key);
            var scores = await ReadPartitionAsync(tables.Scores, key);
            await TableBatches.UpsertAsync(tables.Scores, scores, TableUpdateMode.Replace, ct);
            await TableBatches.UpsertAsync(tables.Population, population.Where(r => r.RowKey == key), TableUpdateMode.Replace, ct);
            await TableBatches.UpsertAsync(tables.TopicNights, handOver.Where(r => r.RowKey.EndsWith("-" + key, StringComparison.Ordinal)), TableUpdateMode.Replace, ct);
        });
        return (clock.Elapsed.TotalSeconds, counter.Total - before);
    }

    private static async Task<List<TableEntity>> ReadPartitionAsync(TableClient table, string partition)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), maxPerPage: 1000))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>A /proc/PID/status figure (VmRSS, VmHWM) in MB, or "?" off Linux.</summary>
    private static string Memory(int pid, string field)
    {
        var path = $"/proc/{pid}/status";
        if (!File.Exists(path))
        {
            return "?";
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line is null ? "?" : string.Create(CultureInfo.InvariantCulture, $"{long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024:N0} MB");
    }

    private static void ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or not allowed: the peak then covers the seeding too.
        }
    }

    /// <summary>User + system CPU seconds of a process so far (/proc/PID/stat, clock ticks of 1/100 s), or 0 off Linux.</summary>
    private static double CpuSeconds(int pid)
    {
        var path = $"/proc/{pid}/stat";
        if (!File.Exists(path))
        {
            return 0;
        }

        var fields = File.ReadAllText(path).Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
