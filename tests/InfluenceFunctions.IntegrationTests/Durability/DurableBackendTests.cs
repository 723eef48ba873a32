using InfluenceFunctions.IntegrationTests.Webhooks;
using InfluenceFunctions.Workflows.Nightly;
using Microsoft.DurableTask.Client;

namespace InfluenceFunctions.IntegrationTests.Durability;

/// <summary>The local host's Azure Storage backend (DurableTask.AzureStorage behind the gRPC sidecar, over Azurite).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DurableBackendTests(AzuriteFixture azurite)
{
    /// <summary>The settings of a host on the Azure Storage backend, in a task hub of its own.</summary>
    public static Dictionary<string, string?> OnAzureStorage(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["LocalHost:Durable:Backend"] = "AzureStorage";
        settings["LocalHost:Durable:TaskHub"] = "h" + Guid.NewGuid().ToString("N")[..12];
        settings["LocalHost:Durable:MaxQueuePollingInterval"] = "00:00:00.500";
        return settings;
    }

    [Fact]
    public async Task ShouldRunTheNightThroughSubOrchestrationsOnTheAzureStorageBackendToTheRowsOfTheInMemoryEngine()
    {
        var scenario = await NightScenario.StartAsync(azurite);
        var prefix = await scenario.CopyAsync();
        var settings = OnAzureStorage(NightScenario.Settings(prefix));
        settings["Influence:ShardsPerSubOrchestration"] = "8"; // 32 shards: four sub-orchestrations.
        await using var host = await TestHost.StartAsync(azurite, NightScenario.Now, settings);

        var run = await NightScenario.RunToEndAsync(host);
        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{run.RuntimeStatus}: {run.FailureDetails?.ErrorMessage}");
        var lastRange = await host.Durable.GetInstanceAsync(NightlyRunOrchestrator.InstanceIdFor(NightScenario.Night) + "-shards-0024");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, lastRange?.RuntimeStatus);

        await WebhookDelivery.WaitUntilSettledAsync(host, [scenario.EndpointId], TimeSpan.FromMinutes(1));
        await scenario.AssertSameAsReferenceAsync(prefix, "tables of a night on the Azure Storage backend");
    }
}
