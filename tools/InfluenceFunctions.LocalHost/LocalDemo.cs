using System.Diagnostics;
using System.Globalization;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Seeding;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.Runs;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.LocalHost;

/// <summary>
/// The local host's demo: people with enough days of signals for every night shown, their posts and the +K they gave
/// each other (<see cref="DemoPopulation"/>, <see cref="DemoActivity"/>); the past nights scored in this process through
/// the nightly shard pass (<see cref="DemoHistory"/>), then the last night through the durable orchestration, as the
/// schedule runs it. Prints what each part took.
/// </summary>
internal static class LocalDemo
{
    /// <summary>Nights scored by default: 31, so a month-ago score exists for the last night's 30-day delta.</summary>
    public const int DefaultNights = 31;

    /// <summary>The most nights the signals kept allow: each night reads the 90 days up to it.</summary>
    public const int MaxNights = SignalRetention.Days - ScoringWindow.Days + 1;

    /// <summary>
    /// Shards for a demo store: about 125 people each, 8 to 64 (the deployed default). Every shard costs a night the same
    /// few requests whatever its size, so 2,000 people in 64 shards of 31 would spend most of a night on overhead.
    /// </summary>
    public static int ShardsFor(int users) => Math.Clamp(users / 125, 8, 64);

    public static async Task RunAsync(IServiceProvider services, LocalHostArguments options, DateOnly night, CancellationToken cancellationToken)
    {
        var tables = services.GetRequiredService<InfluenceTables>();
        var settings = services.GetRequiredService<IOptions<InfluenceOptions>>().Value;
        var firstNight = night.AddDays(-(options.Nights - 1));
        var clock = Stopwatch.StartNew();

        Console.WriteLine($"Seeding {options.Users:N0} demo users: {ScoringWindow.Days + options.Nights - 1} days of signals up to {Day(night)}, posts and +K...");
        var population = new DemoPopulation(tables, settings) { SignalDays = ScoringWindow.Days + options.Nights - 1, Trends = DemoPopulation.FirstPeopleTrends };
        var seeded = await population.SeedAsync(options.Users, night, options.Seed, new ConsoleProgress("  users written", options.Users), cancellationToken);
        var activity = await new DemoActivity(tables, settings).SeedAsync(seeded, night, options.Seed, cancellationToken);
        var seedTime = clock.Elapsed;
        Console.WriteLine($"\nSeeded {seeded.Users:N0} users, {seeded.EngagementEntries:N0} engagements, {activity.Posts:N0} posts by {activity.Posters:N0} people, " +
            $"{activity.PlusKGiven:N0} +K ({seeded.StorageTransactions + activity.StorageTransactions:N0} storage transactions) in {seedTime.TotalSeconds:F1} s.");

        var pastTime = TimeSpan.Zero;
        if (options.Nights > 1)
        {
            Console.WriteLine($"Scoring {options.Nights - 1} past nights ({Day(firstNight)} to {Day(night.AddDays(-1))}) in-process through the nightly shard pass...");
            var history = new DemoHistory(services.GetRequiredService<NightlyRunService>(), services.GetRequiredService<ShardPass>());
            var done = 0;
            var pastClock = Stopwatch.StartNew();
            await history.RunAsync(firstNight, night.AddDays(-1), new SyncProgress<NightlyRunSummary>(summary =>
                Console.Write($"\r  {Day(summary.Day)}: {summary.UsersScored:N0} scored, {summary.UsersUnscored:N0} unscored ({++done}/{options.Nights - 1} nights, {pastClock.Elapsed.TotalSeconds:F1} s)   ")), cancellationToken);
            pastTime = pastClock.Elapsed;
            Console.WriteLine($"\nScored {options.Nights - 1} nights in {pastTime.TotalSeconds:F1} s ({pastTime.TotalSeconds / (options.Nights - 1):F2} s a night).");
        }

        Console.WriteLine($"Running the nightly recalculation for {Day(night)} through the durable orchestration...");
        var lastClock = Stopwatch.StartNew();
        var client = services.GetRequiredService<DurableTaskClient>();
        var start = await services.GetRequiredService<NightlyRunScheduler>().StartOnDemandAsync(client, night, cancellationToken);
        Console.WriteLine(await RunWatcher.WaitAsync(client, start.InstanceId, Console.Out, cancellationToken));
        Console.WriteLine($"Demo data ready in {clock.Elapsed.TotalSeconds:F1} s: seeding {seedTime.TotalSeconds:F1} s, {options.Nights - 1} past nights {pastTime.TotalSeconds:F1} s, the last night {lastClock.Elapsed.TotalSeconds:F1} s.");
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, so lines could interleave).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
