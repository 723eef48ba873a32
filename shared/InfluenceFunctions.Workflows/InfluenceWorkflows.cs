using InfluenceFunctions.Storage.Composition;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Durable;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.People;
using InfluenceFunctions.Workflows.Runs;
using InfluenceFunctions.Workflows.Topics;
using InfluenceFunctions.Workflows.Webhooks;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Workflows;

/// <summary>The workflows both hosts run: every durable task, its registration, and the services behind them.</summary>
public static class InfluenceWorkflows
{
    /// <summary>
    /// Every orchestrator and activity, once. The local host registers these with the Durable Task worker; the
    /// Functions app has one [Function] shell per entry, of the same name, running the same class (a test checks both).
    /// </summary>
    public static IReadOnlyList<DurableTaskInfo> Tasks { get; } =
    [
        DurableTaskInfo.Orchestrator<NightlyRunOrchestrator, NightlyRunInput, NightlyRunSummary>(),
        DurableTaskInfo.Orchestrator<ScoreShardRangeOrchestrator, ShardRange, ShardOutcome>(),
        DurableTaskInfo.Activity<PlanRunActivity, NightlyRunInput, RunPlan>(),
        DurableTaskInfo.Activity<ScoreShardActivity, ScoreShardInput, ShardOutcome>(),
        DurableTaskInfo.Activity<CompleteRunActivity, CompleteRunInput, NightlyRunSummary>(),
        DurableTaskInfo.Activity<DispatchWebhooksActivity, DispatchWebhooksInput, DispatchWebhooksOutcome>(),
        DurableTaskInfo.Activity<RecordDispatchActivity, RecordDispatchInput, NightlyRunSummary>(),
        DurableTaskInfo.Activity<RecordRunFailureActivity, RunFailure, bool>(),
        DurableTaskInfo.Orchestrator<ErasureOrchestrator, ErasureInput, ErasureSummary>(),
        DurableTaskInfo.Activity<SweepErasureActivity, ErasureInput, ErasureStep>(),
        DurableTaskInfo.Activity<NotifyErasureActivity, ErasureInput, int>(),
        DurableTaskInfo.Activity<NightInProgressActivity, ErasureInput, bool>(),
        DurableTaskInfo.Activity<CompleteErasureActivity, ErasureInput, bool>(),
    ];

    public static void Register(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var task in Tasks)
        {
            task.Register(registry);
        }
    }

    /// <summary>The workflow services over <see cref="InfluenceStorage.AddInfluenceStorage"/>.</summary>
    public static IServiceCollection AddInfluenceWorkflows(this IServiceCollection services)
    {
        services.AddInfluenceStorage();
        services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.SectionName);
        services.AddSingleton<NightlyInputsCache>();
        services.AddSingleton<NightlyRunService>();
        services.AddSingleton<NightlyRunScheduler>();
        services.AddSingleton<ScoreStep>();
        services.AddSingleton<TopicStep>();
        services.AddSingleton<WebhookEventStep>();
        services.AddSingleton<ShardPass>();
        services.AddSingleton<LeaderboardBuilder>();
        services.AddSingleton<ErasureService>();
        services.AddSingleton<DurableActivities>();
        foreach (var activity in Tasks.Where(t => t.Kind == DurableTaskKind.Activity))
        {
            services.TryAddSingleton(activity.Implementation);
        }

        services.AddWebhookDelivery();
        return services;
    }
}
