using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Runs;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask;

namespace InfluenceFunctions.Workflows.Nightly;

/// <summary>Starts nightly runs: one orchestration instance per night, its id derived from the date.</summary>
public sealed class NightlyRunScheduler(TimeProvider clock)
{
    /// <summary>The night a run started now scores: the last complete UTC day.</summary>
    public DateOnly NightToScore() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1);

    /// <summary>The oldest night that can run: the first day signals are still kept for (<see cref="SignalRetention"/>).</summary>
    public DateOnly OldestNightToScore() => NightToScore().AddDays(-(SignalRetention.Days - 1));

    /// <summary>The timer's start: does nothing when that night's instance already exists, whatever its state.</summary>
    public async Task<(string InstanceId, bool Started)> StartScheduledAsync(DurableTaskClient client, DateOnly day, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instanceId = NightlyRunOrchestrator.InstanceIdFor(day);
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is not null)
        {
            return (instanceId, false);
        }

        await ScheduleAsync(client, day, instanceId, cancellationToken);
        return (instanceId, true);
    }

    /// <summary>
    /// An on-demand start: refused while that night's run is in progress; a finished one is purged and run again
    /// (same night, same inputs, so the same rows).
    /// </summary>
    public async Task<OnDemandStart> StartOnDemandAsync(DurableTaskClient client, DateOnly day, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instanceId = NightlyRunOrchestrator.InstanceIdFor(day);
        var existing = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (existing is not null)
        {
            if (existing.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended)
            {
                return new OnDemandStart(instanceId, false);
            }

            await client.PurgeInstanceAsync(instanceId, cancellation: cancellationToken);
        }

        await ScheduleAsync(client, day, instanceId, cancellationToken);
        return new OnDemandStart(instanceId, true);
    }

    private static Task ScheduleAsync(DurableTaskClient client, DateOnly day, string instanceId, CancellationToken cancellationToken) =>
        client.ScheduleNewOrchestrationInstanceAsync(
            new TaskName(nameof(NightlyRunOrchestrator)),
            new NightlyRunInput(day),
            new StartOrchestrationOptions(instanceId),
            cancellationToken);
}

public sealed record OnDemandStart(string InstanceId, bool Started);
