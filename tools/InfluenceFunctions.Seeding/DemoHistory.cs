using System.Diagnostics;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.Runs;

namespace InfluenceFunctions.Seeding;

/// <summary>
/// Scores past nights for the demo, oldest first, in this process: each night is what the nightly orchestration does
/// (<see cref="NightlyRunService.PlanAsync"/>, <see cref="ShardPass"/> on every shard, <see cref="NightlyRunService.CompleteAsync"/>
/// with the shard outcomes in shard order), only without a durable instance per night, whose history replay and
/// dispatcher polling cost more than a small night's work. The rows are the same as a durable run writes. Webhook
/// dispatch is left out: no endpoint exists before the host is up, so a past night has nothing to send.
/// </summary>
public sealed class DemoHistory(NightlyRunService runs, ShardPass pass)
{
    /// <summary>Shards scored at once: Azurite is one Node thread, so more only queue up there.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Scores every night from <paramref name="first"/> to <paramref name="last"/>; reports each night as it completes.</summary>
    public async Task<IReadOnlyList<NightlyRunSummary>> RunAsync(DateOnly first, DateOnly last, IProgress<NightlyRunSummary>? progress, CancellationToken cancellationToken)
    {
        var summaries = new List<NightlyRunSummary>();
        for (var night = first; night <= last; night = night.AddDays(1))
        {
            var summary = await RunNightAsync(night, cancellationToken);
            summaries.Add(summary);
            progress?.Report(summary);
        }

        return summaries;
    }

    public async Task<NightlyRunSummary> RunNightAsync(DateOnly night, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var plan = await runs.PlanAsync(new NightlyRunInput(night), cancellationToken);
        var outcomes = new ShardOutcome[plan.ShardCount];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, plan.ShardCount),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (shard, token) => outcomes[shard] = await pass.RunAsync(new ScoreShardInput(plan.Day, plan.RunId, shard, plan.ModelVersion, plan.ShadowModelVersion), token));

        // In shard order, as the orchestrator sums them: the calibration sample (and so the next night) is the same.
        var totals = ShardOutcome.Sum(-1, outcomes);
        return await runs.CompleteAsync(new CompleteRunInput(plan, started, started + clock.Elapsed, totals), cancellationToken);
    }
}
