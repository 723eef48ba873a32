using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Durable;
using InfluenceFunctions.Workflows.Runs;
using InfluenceFunctions.Workflows.Webhooks;
using Microsoft.DurableTask;

namespace InfluenceFunctions.Workflows.Nightly;

/// <summary>
/// The nightly recalculation: plan, score every shard (directly, or through sub-orchestrations of
/// <see cref="RunPlan.ShardsPerSubOrchestration"/> shards when there are many), then record the run.
/// Replay-safe: no I/O, clock or randomness here; progress goes to the custom status.
/// </summary>
public sealed class NightlyRunOrchestrator : TaskOrchestrator<NightlyRunInput, NightlyRunSummary>
{
    public static string InstanceIdFor(DateOnly day) => "nightly-" + DayKeys.Of(day);

    public override async Task<NightlyRunSummary> RunAsync(TaskOrchestrationContext context, NightlyRunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var started = context.CurrentUtcDateTime;
        var plan = await context.CallActivityAsync<RunPlan>(nameof(PlanRunActivity), input, DurableRetry.Options);
        context.SetCustomStatus(new RunProgress("scoring", 0, plan.ShardCount, 0, 0));

        var pending = new List<Task<ShardOutcome>>();
        if (plan.ShardCount <= plan.ShardsPerSubOrchestration)
        {
            pending.AddRange(Enumerable.Range(0, plan.ShardCount).Select(shard =>
                context.CallActivityAsync<ShardOutcome>(nameof(ScoreShardActivity), new ScoreShardInput(plan.Day, plan.RunId, shard, plan.ModelVersion, plan.ShadowModelVersion), DurableRetry.Options)));
        }
        else
        {
            for (var first = 0; first < plan.ShardCount; first += plan.ShardsPerSubOrchestration)
            {
                var range = new ShardRange(plan, first, Math.Min(plan.ShardsPerSubOrchestration, plan.ShardCount - first));
                pending.Add(context.CallSubOrchestratorAsync<ShardOutcome>(
                    nameof(ScoreShardRangeOrchestrator),
                    range,
                    new SubOrchestrationOptions(DurableRetry.Options, $"{context.InstanceId}-shards-{first:D4}")));
            }
        }

        var done = new List<ShardOutcome>();
        var shardsDone = 0;
        while (pending.Count > 0)
        {
            var finished = await Task.WhenAny(pending);
            pending.Remove(finished);
            var outcome = await finished;
            done.Add(outcome);
            shardsDone += plan.ShardCount <= plan.ShardsPerSubOrchestration ? 1 : SubRangeSize(plan, outcome.Shard);
            context.SetCustomStatus(new RunProgress("scoring", shardsDone, plan.ShardCount, done.Sum(o => o.UsersScored), done.Sum(o => o.UsersUnscored)));
        }

        // Order by shard so the calibration sample (and so the next night) never depends on completion order.
        var totals = ShardOutcome.Sum(-1, done.OrderBy(o => o.Shard));
        context.SetCustomStatus(new RunProgress("completing", plan.ShardCount, plan.ShardCount, totals.UsersScored, totals.UsersUnscored));
        var summary = await context.CallActivityAsync<NightlyRunSummary>(
            nameof(CompleteRunActivity),
            new CompleteRunInput(plan, started, context.CurrentUtcDateTime, totals),
            DurableRetry.Options);

        // Webhooks last: partners hear of the night only once its scores are all written and recorded.
        var dispatch = await context.CallActivityAsync<DispatchWebhooksOutcome>(nameof(DispatchWebhooksActivity), new DispatchWebhooksInput(summary), DurableRetry.Options);
        summary = await context.CallActivityAsync<NightlyRunSummary>(nameof(RecordDispatchActivity), new RecordDispatchInput(summary, dispatch.StorageTransactions), DurableRetry.Options);
        context.SetCustomStatus(new RunProgress("completed", plan.ShardCount, plan.ShardCount, totals.UsersScored, totals.UsersUnscored));
        return summary;
    }

    private static int SubRangeSize(RunPlan plan, int firstShard) => Math.Min(plan.ShardsPerSubOrchestration, plan.ShardCount - firstShard);
}

/// <summary>Scores a contiguous range of shards; its outcome's <see cref="ShardOutcome.Shard"/> is the first shard.</summary>
public sealed class ScoreShardRangeOrchestrator : TaskOrchestrator<ShardRange, ShardOutcome>
{
    public override async Task<ShardOutcome> RunAsync(TaskOrchestrationContext context, ShardRange input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var outcomes = await Task.WhenAll(Enumerable.Range(input.FirstShard, input.Count).Select(shard =>
            context.CallActivityAsync<ShardOutcome>(nameof(ScoreShardActivity), new ScoreShardInput(input.Plan.Day, input.Plan.RunId, shard, input.Plan.ModelVersion, input.Plan.ShadowModelVersion), DurableRetry.Options)));
        return ShardOutcome.Sum(input.FirstShard, outcomes.OrderBy(o => o.Shard));
    }
}
