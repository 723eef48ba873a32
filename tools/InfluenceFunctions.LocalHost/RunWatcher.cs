using System.Text.Json;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.Runs;
using Microsoft.DurableTask.Client;

namespace InfluenceFunctions.LocalHost;

/// <summary>Polls a nightly run, printing its progress, until it finishes.</summary>
public static class RunWatcher
{
    public static async Task<string> WaitAsync(DurableTaskClient client, string instanceId, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(output);
        string? lastLine = null;
        while (true)
        {
            var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
            if (instance?.SerializedCustomStatus is { } status && JsonSerializer.Deserialize<RunProgress>(status, JsonSerializerOptions.Web) is { } progress)
            {
                var line = $"  {progress.Phase}: shards {progress.ShardsDone}/{progress.ShardsTotal}, users scored {progress.UsersScored:N0}, unscored {progress.UsersUnscored:N0}";
                if (line != lastLine)
                {
                    await output.WriteAsync("\r" + line + "   ");
                    lastLine = line;
                }
            }

            switch (instance?.RuntimeStatus)
            {
                case OrchestrationRuntimeStatus.Completed:
                    var summary = instance.ReadOutputAs<NightlyRunSummary>()!;
                    return $"\nRun {summary.RunId} completed in {summary.DurationSeconds:F1} s: {summary.UsersScored:N0} scored, {summary.UsersUnscored:N0} unscored, " +
                        $"{summary.StorageTransactions:N0} storage transactions ({summary.TransactionsPerUser:F4} per user).";
                case OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated:
                    throw new InvalidOperationException($"Run {instanceId} {instance.RuntimeStatus}: {instance.FailureDetails?.ErrorMessage ?? instance.SerializedOutput}");
            }

            await Task.Delay(500, cancellationToken);
        }
    }
}
