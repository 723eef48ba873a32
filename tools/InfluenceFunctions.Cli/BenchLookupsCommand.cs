using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Seeding;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;

namespace InfluenceFunctions.Cli;

/// <summary>
/// bench-lookups: seeds N demo users in a fresh Azurite, runs one night, then in the same run measures
/// (1) bare Table Storage point reads of the score rows and (2) GET /api/v1/users/{id}/score on the local host
/// over loopback (API key, quota, cache, ETag: the whole partner path), with the cache on and off. Each: closed-loop
/// throughput at a fixed concurrency, then latency at a fixed arrival rate (open loop: latency is measured from
/// each request's scheduled start, so a stall is not hidden).
/// </summary>
internal static class BenchLookupsCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        int users = 2_000, rate = 500, seconds = 10, concurrency = 32;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var ok = args[i] switch
            {
                "--users" => int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out users) && users > 0,
                "--rate" => int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out rate) && rate > 0,
                "--seconds" => int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out seconds) && seconds > 0,
                "--concurrency" => int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out concurrency) && concurrency > 0,
                _ => false,
            };
            if (!ok)
            {
                await Console.Error.WriteLineAsync("usage: influence bench-lookups [--users N] [--rate R] [--seconds S] [--concurrency C]");
                return 2;
            }
        }

        await using var environment = await LocalEnvironment.StartAsync(64);
        var services = environment.App.Services;
        var tables = environment.Tables;
        await tables.CreateIfNotExistsAsync(CancellationToken.None);
        var influence = services.GetRequiredService<IOptions<InfluenceOptions>>().Value;
        await new DemoPopulation(tables, influence).SeedAsync(users, environment.Night, seed: 42, progress: null, CancellationToken.None);
        var summary = await environment.RunNightAsync(environment.Night);
        Console.WriteLine($"seeded and scored {summary.UsersScored + summary.UsersUnscored:N0} users");

        var ids = Enumerable.Range(0, users).Select(DemoPopulation.UserId).ToArray();
        var keys = ids.Select(id => Shards.KeyOf(id, influence.ShardCount)).ToArray();
        var (_, apiKey) = await services.GetRequiredService<ApiKeyStore>().CreateAsync("bench", 1_000_000, 100_000_000, CancellationToken.None);
        var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri(address),
        };
        http.DefaultRequestHeaders.Add(PartnerGate.KeyHeader, apiKey);

        async Task PointRead(int i, CancellationToken ct) =>
            _ = await tables.Scores.GetEntityIfExistsAsync<ScoreEntity>(keys[i], ids[i], cancellationToken: ct);

        async Task Lookup(int i, CancellationToken ct)
        {
            using var response = await http.GetAsync($"/api/v1/users/{ids[i]}/score", ct);
            _ = await response.Content.ReadAsByteArrayAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{ids[i]}: {(int)response.StatusCode}");
            }
        }

        var partner = services.GetRequiredService<IOptions<PartnerOptions>>().Value;
        var reader = services.GetRequiredService<ScoreReader>();
        var rows = new List<string>();
        async Task Measure(string name, Func<int, CancellationToken, Task> call)
        {
            await ClosedLoopAsync(ids.Length, 2, concurrency, call); // Warm-up: connections, JIT, and (when on) the cache.
            var throughput = await ClosedLoopAsync(ids.Length, seconds, concurrency, call);
            var (p50, p99, max, sent) = await FixedRateAsync(ids.Length, rate, seconds, call);
            rows.Add(string.Create(CultureInfo.InvariantCulture, $"| {name} | {throughput:N0} | {rate} | {sent:N0} | {p50:F2} | {p99:F2} | {max:F2} |"));
            Console.WriteLine(rows[^1]);
        }

        await Measure("bare Table Storage point read", PointRead);
        // Steady state after a night: the rows are in the cache. Fill it the cheap way, 100 ids per batch lookup.
        foreach (var chunk in ids.Chunk(100))
        {
            using var primed = await http.PostAsJsonAsync("/api/v1/scores/lookup", new { userIds = chunk });
            primed.EnsureSuccessStatusCode();
        }

        Console.WriteLine($"cache filled: {reader.CachedCount:N0} rows");
        await Measure("GET /score, cache on", Lookup);

        // The same endpoint with the in-process cache off: every lookup is a point read behind the full HTTP path.
        // (Bench-only: the options object is mutated in place; the service never does this.)
        partner.CacheMaxEntries = 0;
        reader.ForgetAll();
        await Measure("GET /score, cache off", Lookup);

        Console.WriteLine();
        Console.WriteLine($"{users:N0} users, concurrency {concurrency} (throughput), {rate} req/s fixed rate for {seconds} s (latency), {Environment.ProcessorCount} cores, client, host and Azurite on one machine");
        Console.WriteLine("| path | throughput (req/s) | fixed rate (req/s) | requests | p50 (ms) | p99 (ms) | max (ms) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        rows.ForEach(Console.WriteLine);
        return 0;
    }

    /// <summary>Requests per second with <paramref name="concurrency"/> callers looping for <paramref name="seconds"/>.</summary>
    private static async Task<double> ClosedLoopAsync(int idCount, int seconds, int concurrency, Func<int, CancellationToken, Task> call)
    {
        long done = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (clock.Elapsed < until)
            {
                await call((int)((uint)Interlocked.Increment(ref next) % (uint)idCount), CancellationToken.None);
                Interlocked.Increment(ref done);
            }
        }));
        return done / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Open loop: request k starts at k/rate; its latency counts from then (no coordinated omission).</summary>
    private static async Task<(double P50, double P99, double Max, int Sent)> FixedRateAsync(int idCount, int rate, int seconds, Func<int, CancellationToken, Task> call)
    {
        var total = rate * seconds;
        var latencies = new ConcurrentBag<double>();
        var inFlight = new List<Task>(total);
        var clock = Stopwatch.StartNew();
        for (var k = 0; k < total; k++)
        {
            var scheduled = TimeSpan.FromSeconds((double)k / rate);
            var wait = scheduled - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var id = k % idCount;
            inFlight.Add(Task.Run(async () =>
            {
                await call(id, CancellationToken.None);
                latencies.Add((clock.Elapsed - scheduled).TotalMilliseconds);
            }));
        }

        await Task.WhenAll(inFlight);
        var sorted = latencies.Order().ToArray();
        return (sorted[sorted.Length / 2], sorted[(int)Math.Ceiling(sorted.Length * 0.99) - 1], sorted[^1], total);
    }
}
