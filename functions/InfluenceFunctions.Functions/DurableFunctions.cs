using InfluenceFunctions.Workflows.Durable;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.People;
using InfluenceFunctions.Workflows.Runs;
using InfluenceFunctions.Workflows.Webhooks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace InfluenceFunctions.Functions;

/// <summary>
/// Every orchestrator and activity of <see cref="Workflows.InfluenceWorkflows.Tasks"/>, one line each through the one
/// adapter per kind (<see cref="DurableActivities"/>): the function's name is the class it runs, and the function's
/// cancellation token reaches the work. A test checks each shell runs the class the local host registers.
/// </summary>
public sealed class DurableFunctions(DurableActivities activities)
{
    [Function(nameof(NightlyRunOrchestrator))]
    public static Task<NightlyRunSummary> NightlyRun([OrchestrationTrigger] TaskOrchestrationContext context)
        => DurableActivities.OrchestrateAsync<NightlyRunOrchestrator, NightlyRunInput, NightlyRunSummary>(context);

    [Function(nameof(ScoreShardRangeOrchestrator))]
    public static Task<ShardOutcome> ScoreShardRange([OrchestrationTrigger] TaskOrchestrationContext context)
        => DurableActivities.OrchestrateAsync<ScoreShardRangeOrchestrator, ShardRange, ShardOutcome>(context);

    [Function(nameof(ErasureOrchestrator))]
    public static Task<ErasureSummary> Erase([OrchestrationTrigger] TaskOrchestrationContext context)
        => DurableActivities.OrchestrateAsync<ErasureOrchestrator, ErasureInput, ErasureSummary>(context);

    [Function(nameof(PlanRunActivity))]
    public Task<RunPlan> PlanRun([ActivityTrigger] NightlyRunInput input, CancellationToken cancellationToken)
        => activities.RunAsync<PlanRunActivity, NightlyRunInput, RunPlan>(input, cancellationToken);

    [Function(nameof(ScoreShardActivity))]
    public Task<ShardOutcome> ScoreShard([ActivityTrigger] ScoreShardInput input, CancellationToken cancellationToken)
        => activities.RunAsync<ScoreShardActivity, ScoreShardInput, ShardOutcome>(input, cancellationToken);

    [Function(nameof(CompleteRunActivity))]
    public Task<NightlyRunSummary> CompleteRun([ActivityTrigger] CompleteRunInput input, CancellationToken cancellationToken)
        => activities.RunAsync<CompleteRunActivity, CompleteRunInput, NightlyRunSummary>(input, cancellationToken);

    [Function(nameof(DispatchWebhooksActivity))]
    public Task<DispatchWebhooksOutcome> DispatchWebhooks([ActivityTrigger] DispatchWebhooksInput input, CancellationToken cancellationToken)
        => activities.RunAsync<DispatchWebhooksActivity, DispatchWebhooksInput, DispatchWebhooksOutcome>(input, cancellationToken);

    [Function(nameof(RecordDispatchActivity))]
    public Task<NightlyRunSummary> RecordDispatch([ActivityTrigger] RecordDispatchInput input, CancellationToken cancellationToken)
        => activities.RunAsync<RecordDispatchActivity, RecordDispatchInput, NightlyRunSummary>(input, cancellationToken);

    [Function(nameof(RecordRunFailureActivity))]
    public Task<bool> RecordRunFailure([ActivityTrigger] RunFailure input, CancellationToken cancellationToken)
        => activities.RunAsync<RecordRunFailureActivity, RunFailure, bool>(input, cancellationToken);

    [Function(nameof(SweepErasureActivity))]
    public Task<ErasureStep> SweepErasure([ActivityTrigger] ErasureInput input, CancellationToken cancellationToken)
        => activities.RunAsync<SweepErasureActivity, ErasureInput, ErasureStep>(input, cancellationToken);

    [Function(nameof(NotifyErasureActivity))]
    public Task<int> NotifyErasure([ActivityTrigger] ErasureInput input, CancellationToken cancellationToken)
        => activities.RunAsync<NotifyErasureActivity, ErasureInput, int>(input, cancellationToken);

    [Function(nameof(NightInProgressActivity))]
    public Task<bool> NightInProgress([ActivityTrigger] ErasureInput input, CancellationToken cancellationToken)
        => activities.RunAsync<NightInProgressActivity, ErasureInput, bool>(input, cancellationToken);

    [Function(nameof(CompleteErasureActivity))]
    public Task<bool> CompleteErasure([ActivityTrigger] ErasureInput input, CancellationToken cancellationToken)
        => activities.RunAsync<CompleteErasureActivity, ErasureInput, bool>(input, cancellationToken);
}
