using System.Globalization;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Durable;
using InfluenceFunctions.Workflows.Runs;
using InfluenceFunctions.Workflows.Webhooks;
using Microsoft.DurableTask;

namespace InfluenceFunctions.Workflows.Nightly;

/// <summary>
/// The nightly recalculation: plan, score every shard (directly, or through sub-orchestrations of
/// <see cref="RunPlan.ShardsPerSubOrchestration"/> shards when there are many), then record the run. A step that fails
/// for good (after its retries) is recorded in the run record, with the reason, before the orchestration fails, so the
/// record never stays "running". Replay-safe: no I/O, clock or randomness here; progress goes to the custom status.
/// </summary>
public sealed class NightlyRunOrchestrator : TaskOrchestrator<NightlyRunInput, NightlyRunSummary>
{
    public static string InstanceIdFor(DateOnly day) => "nightly-" + DayKeys.Of(day);

    public override async Task<NightlyRunSummary> RunAsync(TaskOrchestrationContext context, NightlyRunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var step = RunStep.Plan;
        var progress = new RunProgress(RunPhase.Plan, 0, 0, 0, 0);
        try
        {
            var started = context.CurrentUtcDateTime;
            var plan = await context.CallActivityAsync<RunPlan>(nameof(PlanRunActivity), input, DurableRetry.Options);
            step = RunStep.Score;
            progress = new RunProgress(RunPhase.Scoring, 0, plan.ShardCount, 0, 0);
            context.SetCustomStatus(progress);
            var totals = await ScoreShardsAsync(context, plan, p => context.SetCustomStatus(progress = p));

            step = RunStep.Complete;
            progress = new RunProgress(RunPhase.Completing, plan.ShardCount, plan.ShardCount, totals.UsersScored, totals.UsersUnscored);
            context.SetCustomStatus(progress);
            var summary = await context.CallActivityAsync<NightlyRunSummary>(
                nameof(CompleteRunActivity),
                new CompleteRunInput(plan, started, context.CurrentUtcDateTime, totals),
                DurableRetry.Options);

            // Webhooks last: partners hear of the night only once its scores are all written and recorded.
            step = RunStep.Dispatch;
            var dispatch = await context.CallActivityAsync<DispatchWebhooksOutcome>(nameof(DispatchWebhooksActivity), new DispatchWebhooksInput(summary), DurableRetry.Options);
            step = RunStep.RecordDispatch;
            summary = await context.CallActivityAsync<NightlyRunSummary>(nameof(RecordDispatchActivity), new RecordDispatchInput(summary, dispatch.StorageTransactions, dispatch.StorageRetries), DurableRetry.Options);
            context.SetCustomStatus(progress with { Phase = RunPhase.Completed });
            return summary;
        }
        catch (Exception e) when (e is TaskFailedException or ShardFailedException)
        {
            // Recorded through the record's one writer, then failed as before: the instance shows Failed and the
            // record says why. If even the record cannot be written, the instance's own failure still says why.
            var reason = e is TaskFailedException failed ? failed.FailureDetails.ErrorMessage : e.Message;
            context.SetCustomStatus(progress with { Phase = RunPhase.Failed });
            try
            {
                await context.CallActivityAsync<bool>(nameof(RecordRunFailureActivity), new RunFailure(input.Day, InstanceIdFor(input.Day), step, reason), DurableRetry.Options);
            }
            catch (TaskFailedException)
            {
                // Storage is down for longer than the retries: the run record keeps "running" until a re-run, and
                // erasures treat it as abandoned once it stops making progress (RunRecords.InProgressSinceAsync).
            }

            throw;
        }
    }

    /// <summary>Fans out over the shards and adds their outcomes up in shard order (so the night never depends on completion order).</summary>
    private static async Task<ShardOutcome> ScoreShardsAsync(TaskOrchestrationContext context, RunPlan plan, Action<RunProgress> report)
    {
        var pending = new Dictionary<Task<ShardOutcome>, (int FirstShard, int Count)>();
        if (plan.ShardCount <= plan.ShardsPerSubOrchestration)
        {
            for (var shard = 0; shard < plan.ShardCount; shard++)
            {
                pending.Add(context.CallActivityAsync<ShardOutcome>(nameof(ScoreShardActivity), ShardInput(plan, shard), DurableRetry.Options), (shard, 1));
            }
        }
        else
        {
            for (var first = 0; first < plan.ShardCount; first += plan.ShardsPerSubOrchestration)
            {
                var range = new ShardRange(plan, first, Math.Min(plan.ShardsPerSubOrchestration, plan.ShardCount - first));
                // Not retried as a whole: its shards have had their own retries, and a retry would score them all again.
                pending.Add(context.CallSubOrchestratorAsync<ShardOutcome>(nameof(ScoreShardRangeOrchestrator), range, new SubOrchestrationOptions { InstanceId = $"{context.InstanceId}-shards-{first:D4}" }), (first, range.Count));
            }
        }

        var done = new List<ShardOutcome>();
        Exception? firstFailure = null;
        var shardsDone = 0;
        while (pending.Count > 0)
        {
            var finished = await Task.WhenAny(pending.Keys);
            var (firstShard, count) = pending[finished];
            pending.Remove(finished);
            try
            {
                done.Add(await ShardResultAsync(finished, count == 1 ? firstShard : null));
            }
            catch (Exception e) when (e is TaskFailedException or ShardFailedException)
            {
                // Keep waiting for the shards still running: the run fails only once nothing of it is in flight, so
                // re-running the night at once never meets this run's activities (the gRPC sidecar keys them by
                // instance and task id, not by execution).
                firstFailure ??= e;
            }

            shardsDone += count;
            report(new RunProgress(RunPhase.Scoring, shardsDone, plan.ShardCount, done.Sum(o => o.UsersScored), done.Sum(o => o.UsersUnscored)));
        }

        if (firstFailure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstFailure);
        }

        return ShardOutcome.Sum(-1, done.OrderBy(o => o.Shard));
    }

    internal static ScoreShardInput ShardInput(RunPlan plan, int shard) => new(plan.Day, plan.RunId, shard, plan.ModelVersion, plan.ShadowModelVersion);

    /// <summary>A shard's outcome, or its failure named after the shard (a range's failure already is).</summary>
    internal static async Task<ShardOutcome> ShardResultAsync(Task<ShardOutcome> task, int? shard)
    {
        try
        {
            return await task;
        }
        catch (TaskFailedException e) when (shard is { } failed)
        {
            throw new ShardFailedException(failed, e.FailureDetails.ErrorMessage, e);
        }
    }
}

/// <summary>Scores a contiguous range of shards; its outcome's <see cref="ShardOutcome.Shard"/> is the first shard.</summary>
public sealed class ScoreShardRangeOrchestrator : TaskOrchestrator<ShardRange, ShardOutcome>
{
    public override async Task<ShardOutcome> RunAsync(TaskOrchestrationContext context, ShardRange input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var tasks = Enumerable.Range(input.FirstShard, input.Count)
            .Select(shard => (Shard: shard, Task: context.CallActivityAsync<ShardOutcome>(nameof(ScoreShardActivity), NightlyRunOrchestrator.ShardInput(input.Plan, shard), DurableRetry.Options)))
            .ToList();
        // Every shard ends (scored or failed) before the range does, so a failed range leaves nothing in flight; it
        // then fails with the first failed shard.
        var outcomes = new List<ShardOutcome>();
        ShardFailedException? firstFailure = null;
        foreach (var (shard, task) in tasks)
        {
            try
            {
                outcomes.Add(await NightlyRunOrchestrator.ShardResultAsync(task, shard));
            }
            catch (ShardFailedException e)
            {
                firstFailure ??= e;
            }
        }

        if (firstFailure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstFailure);
        }

        return ShardOutcome.Sum(input.FirstShard, outcomes);
    }
}

/// <summary>A shard failed after its retries; the message names the shard.</summary>
public sealed class ShardFailedException : Exception
{
    public ShardFailedException()
    {
    }

    public ShardFailedException(string message)
        : base(message)
    {
    }

    public ShardFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ShardFailedException(int shard, string reason, Exception innerException)
        : base(string.Create(CultureInfo.InvariantCulture, $"Shard {Shards.Key(shard)}: {reason}"), innerException)
    {
    }
}
