using Microsoft.DurableTask;

namespace InfluenceFunctions.Nightly;

// Thin activity shells for the Durable Task registry; the Functions app has its own [Function] shells over the same services.

public sealed class PlanRunActivity(NightlyRunService service) : TaskActivity<NightlyRunInput, RunPlan>
{
    public override Task<RunPlan> RunAsync(TaskActivityContext context, NightlyRunInput input) => service.PlanAsync(input, CancellationToken.None);
}

public sealed class ScoreShardActivity(ShardScorer scorer) : TaskActivity<ScoreShardInput, ShardOutcome>
{
    public override Task<ShardOutcome> RunAsync(TaskActivityContext context, ScoreShardInput input) => scorer.ScoreAsync(input, CancellationToken.None);
}

public sealed class CompleteRunActivity(NightlyRunService service) : TaskActivity<CompleteRunInput, NightlyRunSummary>
{
    public override Task<NightlyRunSummary> RunAsync(TaskActivityContext context, CompleteRunInput input) => service.CompleteAsync(input, CancellationToken.None);
}

/// <summary>Everything the Durable Task registry needs, in one place for both hosts.</summary>
public static class NightlyWorkflow
{
    public static void Register(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddOrchestrator<NightlyRunOrchestrator>();
        registry.AddOrchestrator<ScoreShardRangeOrchestrator>();
        registry.AddActivity<PlanRunActivity>();
        registry.AddActivity<ScoreShardActivity>();
        registry.AddActivity<CompleteRunActivity>();
        registry.AddActivity<Webhooks.DispatchWebhooksActivity>();
        registry.AddOrchestrator<People.ErasureOrchestrator>();
        registry.AddActivity<People.SweepErasureActivity>();
        registry.AddActivity<People.NotifyErasureActivity>();
        registry.AddActivity<People.NightInProgressActivity>();
        registry.AddActivity<People.CompleteErasureActivity>();
    }

    /// <summary>Every orchestrator and activity name the workflows call; the Functions app must have a function of each name.</summary>
    public static IReadOnlyList<string> OrchestratorNames { get; } = [nameof(NightlyRunOrchestrator), nameof(ScoreShardRangeOrchestrator), nameof(People.ErasureOrchestrator)];

    public static IReadOnlyList<string> ActivityNames { get; } = [nameof(PlanRunActivity), nameof(ScoreShardActivity), nameof(CompleteRunActivity), nameof(Webhooks.DispatchWebhooksActivity),
        nameof(People.SweepErasureActivity), nameof(People.NotifyErasureActivity), nameof(People.NightInProgressActivity), nameof(People.CompleteErasureActivity)];
}
