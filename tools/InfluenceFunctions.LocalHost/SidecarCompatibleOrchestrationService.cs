using System.Collections.Concurrent;
using DurableTask.Core;
using DurableTask.Core.History;

namespace InfluenceFunctions.LocalHost;

/// <summary>
/// (From the durable probe, /work/probes/durable.) Adapts the Azure Storage backend to the gRPC sidecar's dispatcher. (1) Keeps each running activity's queue message
/// (and each orchestration episode's control-queue messages) hidden until it finishes. DurableTask.Core's own dispatcher
/// renews activity locks; the gRPC sidecar's does not, so without this an activity that outlives the work-item
/// visibility timeout is fetched again, its completion fails with PopReceiptMismatch, and the message is never
/// deleted (it runs again at every timeout and in every later process). (2) Makes sub-orchestration start messages
/// and their history events storable (see <see cref="CompleteTaskOrchestrationWorkItemAsync"/>). Everything else passes straight through.
/// </summary>
internal sealed class SidecarCompatibleOrchestrationService(IOrchestrationService inner, TimeSpan? renewActivityLocksEvery, ILogger logger) : IOrchestrationService
{
    private readonly ConcurrentDictionary<string, Renewal> renewals = new(StringComparer.Ordinal);
    private readonly Lock stopGate = new();
    private Task? stopping;

    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        var workItem = await inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
        if (workItem is not null && renewActivityLocksEvery is { } renewEvery)
        {
            var stop = new CancellationTokenSource();
            renewals[workItem.Id] = new Renewal(stop, RenewUntilStoppedAsync(() => inner.RenewTaskActivityWorkItemLockAsync(workItem), workItem.Id, renewEvery, renewAtOnce: false, stop.Token));
        }

        return workItem!;
    }

    public async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        await StopRenewingAsync(workItem.Id); // A renewal racing the delete would change the pop receipt under it.
        await inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
    }

    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        await StopRenewingAsync(workItem.Id);
        await inner.AbandonTaskActivityWorkItemAsync(workItem);
    }

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public Task StartAsync() => inner.StartAsync();

    public Task StopAsync() => StopAsync(isForced: false);

    /// <summary>
    /// Stops the backend once: the sidecar stops it from its own fire-and-forget callback while the host stops it too (to
    /// release the leases before exit), and a second stop throws inside DurableTask.AzureStorage (a NullReferenceException
    /// in AppLeaseManager.StopAsync, unhandled on a pool thread: it killed the process at shutdown).
    /// </summary>
    public Task StopAsync(bool isForced)
    {
        lock (stopGate)
        {
            return stopping ??= StopOnceAsync(isForced);
        }
    }

    private async Task StopOnceAsync(bool isForced)
    {
        try
        {
            await inner.StopAsync(isForced);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or ObjectDisposedException)
        {
            logger.LogWarning(e, "Stopping the Azure Storage backend failed; its leases lapse on their own");
        }
    }

    public Task CreateAsync() => inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    /// <summary>
    /// The same renewal for an orchestration's control-queue messages, from the moment the work item is formed (its
    /// messages may have waited in the backend's buffer since they were dequeued): under load an episode that outlived
    /// the visibility timeout had its messages dequeued again and its completion failed with PopReceiptMismatch.
    /// </summary>
    public async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        var workItem = await inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
        if (workItem is not null && renewActivityLocksEvery is { } renewEvery)
        {
            var stop = new CancellationTokenSource();
            renewals[OrchestrationKey(workItem)] = new Renewal(stop, RenewUntilStoppedAsync(() => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem), workItem.InstanceId, renewEvery, renewAtOnce: true, stop.Token));
        }

        return workItem!;
    }

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        ArgumentNullException.ThrowIfNull(orchestratorMessages);

        // The sidecar passes a sub-orchestration's tags as a protobuf MapField. The Azure Storage backend writes queue
        // messages with their .NET type names and cannot read that type back, so the child never starts (the
        // message is retried forever). A plain dictionary round-trips.
        foreach (var message in orchestratorMessages)
        {
            if (message.Event is ExecutionStartedEvent { Tags: { } tags } started && tags.GetType() != typeof(Dictionary<string, string>))
            {
                started.Tags = new Dictionary<string, string>(tags, StringComparer.Ordinal);
            }
        }

        // Its history event for the child is a subclass the history table writer does not recognise (the row gets no
        // EventType, and the parent can never load its history again): store the DurableTask.Core type instead.
        ArgumentNullException.ThrowIfNull(newOrchestrationRuntimeState);
        ReplaceSubOrchestrationCreatedEvents(newOrchestrationRuntimeState.Events);
        ReplaceSubOrchestrationCreatedEvents(newOrchestrationRuntimeState.NewEvents);

        return CompleteAfterRenewalsAsync();

        async Task CompleteAfterRenewalsAsync()
        {
            await StopRenewingAsync(OrchestrationKey(workItem)); // A renewal racing the deletes would change their pop receipts.
            await inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
        }
    }

    private static void ReplaceSubOrchestrationCreatedEvents(IList<HistoryEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is SubOrchestrationInstanceCreatedEvent created && created.GetType() != typeof(SubOrchestrationInstanceCreatedEvent))
            {
                events[i] = new SubOrchestrationInstanceCreatedEvent(created.EventId)
                {
                    Timestamp = created.Timestamp,
                    IsPlayed = created.IsPlayed,
                    Name = created.Name,
                    Version = created.Version,
                    InstanceId = created.InstanceId,
                    Input = created.Input,
                    ClientSpanId = created.ClientSpanId,
                    Tags = created.Tags is null ? null : new Dictionary<string, string>(created.Tags, StringComparer.Ordinal),
                };
            }
        }
    }

    public async Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        await StopRenewingAsync(OrchestrationKey(workItem));
        await inner.AbandonTaskOrchestrationWorkItemAsync(workItem);
    }

    public async Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        await StopRenewingAsync(OrchestrationKey(workItem));
        await inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);
    }

    private static string OrchestrationKey(TaskOrchestrationWorkItem workItem) => "orchestration:" + workItem.InstanceId;

    private async Task RenewUntilStoppedAsync(Func<Task> renew, string workItemId, TimeSpan renewEvery, bool renewAtOnce, CancellationToken stop)
    {
        try
        {
            if (renewAtOnce)
            {
                await renew();
            }

            while (true)
            {
                await Task.Delay(renewEvery, stop);
                await renew();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Completed or abandoned.
        }
#pragma warning disable CA1031 // A failed renewal must not fault the activity; at worst the message is redelivered.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogWarning(e, "Could not renew the lock of work item {WorkItemId}", workItemId);
        }
    }

    private async Task StopRenewingAsync(string workItemId)
    {
        if (renewals.TryRemove(workItemId, out var renewal))
        {
            await renewal.Stop.CancelAsync();
            await renewal.Loop;
            renewal.Stop.Dispose();
        }
    }

    private sealed record Renewal(CancellationTokenSource Stop, Task Loop);
}
