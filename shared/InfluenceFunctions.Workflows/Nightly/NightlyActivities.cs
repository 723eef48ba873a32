using InfluenceFunctions.Workflows.Durable;
using InfluenceFunctions.Workflows.Runs;

namespace InfluenceFunctions.Workflows.Nightly;

// The nightly run's activities: each names the service call it makes. Both hosts run these classes (DurableTasks).

public sealed class PlanRunActivity(NightlyRunService service) : IActivity<NightlyRunInput, RunPlan>
{
    public Task<RunPlan> RunAsync(NightlyRunInput input, CancellationToken cancellationToken) => service.PlanAsync(input, cancellationToken);
}

public sealed class ScoreShardActivity(ShardPass pass) : IActivity<ScoreShardInput, ShardOutcome>
{
    public Task<ShardOutcome> RunAsync(ScoreShardInput input, CancellationToken cancellationToken) => pass.RunAsync(input, cancellationToken);
}

public sealed class CompleteRunActivity(NightlyRunService service) : IActivity<CompleteRunInput, NightlyRunSummary>
{
    public Task<NightlyRunSummary> RunAsync(CompleteRunInput input, CancellationToken cancellationToken) => service.CompleteAsync(input, cancellationToken);
}

/// <summary>Adds the webhook dispatch's storage spend to the run record (the record has one writer: <see cref="NightlyRunService"/>).</summary>
public sealed class RecordDispatchActivity(NightlyRunService service) : IActivity<RecordDispatchInput, NightlyRunSummary>
{
    public Task<NightlyRunSummary> RunAsync(RecordDispatchInput input, CancellationToken cancellationToken) => service.RecordDispatchAsync(input, cancellationToken);
}

/// <summary>Records a night that failed for good (the orchestrator calls it before it fails).</summary>
public sealed class RecordRunFailureActivity(NightlyRunService service) : IActivity<RunFailure, bool>
{
    public Task<bool> RunAsync(RunFailure input, CancellationToken cancellationToken) => service.RecordFailureAsync(input, cancellationToken);
}
