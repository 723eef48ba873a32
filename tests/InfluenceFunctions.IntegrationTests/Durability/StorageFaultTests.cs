using Azure.Core;
using Azure.Core.Pipeline;
using Xunit.Abstractions;
using InfluenceFunctions.IntegrationTests.Webhooks;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.Runs;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace InfluenceFunctions.IntegrationTests.Durability;

/// <summary>The night rides out storage faults and an outage: the same rows as a night without them, every event sent once, the retries counted.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageFaultTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task ShouldCompleteTheNightThroughFaultsOnFivePercentOfStorageCallsWithTheRowsOfACleanNight()
    {
        var scenario = await NightScenario.StartAsync(azurite);

        // Faults on every table and queue call of the night: 503 ServerBusy, 500 and timeouts after the write landed.
        // The webhook poller is off meanwhile, so every faulted call belongs to the night's activities.
        var prefix = await scenario.CopyAsync();
        var faults = new StorageFaults(rate: 0.05, seed: 13);
        var settings = NightScenario.Settings(prefix);
        settings["LocalHost:RunWebhooks"] = "false";
        settings["Storage:RetryDelay"] = "00:00:00.100"; // The production backoff starts at 1 s; the shape is the same.
        await using (var host = await TestHost.StartAsync(azurite, NightScenario.Now, settings, services => services.AddSingleton<HttpPipelinePolicy>(faults)))
        {
            var retriesBefore = host.Counter.Retries;
            faults.Armed = true;
            var run = await NightScenario.RunToEndAsync(host);
            faults.Armed = false;
            Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{run.RuntimeStatus}: {run.FailureDetails?.ErrorMessage}\n{run.FailureDetails?.StackTrace}\n{run.FailureDetails?.InnerFailure?.ErrorType}: {run.FailureDetails?.InnerFailure?.StackTrace}");

            output.WriteLine($"{faults.Calls} storage calls, {faults.InjectedTotal} faults ({string.Join(", ", Enum.GetValues<StorageFault>().Select(k => $"{faults.Injected(k)} {k}"))})");

            // Enough faults of each kind to mean something, and every one of them retried by the SDK.
            Assert.InRange(faults.InjectedTotal / (double)faults.Calls, 0.02, 0.10);
            Assert.All(Enum.GetValues<StorageFault>(), kind => Assert.True(faults.Injected(kind) >= 2, $"{faults.Injected(kind)} {kind} faults"));
            Assert.Equal(faults.InjectedTotal, host.Counter.Retries - retriesBefore);

            // The run record counts the retries of the calls it counts (an activity that failed and ran again counts its last run).
            var summary = run.ReadOutputAs<NightlyRunSummary>()!;
            var record = (await host.GetJsonAsync($"/api/v1/manage/runs/{SmallPopulation.Day(NightScenario.Night)}?code={TestHost.AdminKey}")).GetProperty("record");
            Assert.Equal(summary.StorageRetries, record.GetProperty("storageRetries").GetInt64());
            Assert.InRange(summary.StorageRetries, 1, faults.InjectedTotal);
            output.WriteLine($"run record: {summary.StorageTransactions} transactions, {summary.StorageRetries} of them retries");
        }

        // Deliveries by a host without faults: each event once, as in the clean night.
        await using (var host = await TestHost.StartAsync(azurite, NightScenario.Now, NightScenario.Settings(prefix)))
        {
            await WebhookDelivery.WaitUntilSettledAsync(host, [scenario.EndpointId], TimeSpan.FromMinutes(1));
        }

        await scenario.AssertSameAsReferenceAsync(prefix, "tables after a night with storage faults");
    }

    [Fact]
    public async Task ShouldCompleteTheNightThroughThirtySecondsOfAzuriteStoppedMidRunWithTheRowsOfACleanNight()
    {
        var scenario = await NightScenario.StartAsync(azurite);
        var prefix = await scenario.CopyAsync();
        var settings = DurableBackendTests.OnAzureStorage(NightScenario.Settings(prefix));
        settings["LocalHost:MaxConcurrentWorkItems"] = "2";
        settings["Storage:NetworkTimeout"] = "00:00:05"; // A request to a stopped Azurite times out and is retried (production: 60 s).

        // Azurite stops (SIGSTOP: every request and new connection hangs, the task hub's too) just as the fifth shard to
        // finish scoring writes its population row, so the outage lands mid-run with a shard's request in flight; 30
        // seconds later it continues (SIGCONT), having lost nothing it stored, as in Azure.
        var populationRows = 0;
        var outage = new OutageAt(m => m.Request.Method != RequestMethod.Get && InjectedFailure.Path(m).Contains("population(", StringComparison.Ordinal) && Interlocked.Increment(ref populationRows) == 5, azurite.ProcessId, TimeSpan.FromSeconds(30));
        await using var host = await TestHost.StartAsync(azurite, NightScenario.Now, settings, services => services.AddSingleton<HttpPipelinePolicy>(outage));
        try
        {
            var run = await NightScenario.RunToEndAsync(host);
            Assert.True(outage.Happened, "the outage happened during the run");
            Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{run.RuntimeStatus}: {run.FailureDetails?.ErrorMessage}");
            var summary = run.ReadOutputAs<NightlyRunSummary>()!;
            output.WriteLine($"run record: {summary.StorageTransactions} transactions, {summary.StorageRetries} of them retries");
            Assert.True(summary.StorageRetries > 0, "the shard's request to the stopped Azurite was retried, and the record counts it");
        }
        finally
        {
            await outage.EndAsync();
        }

        await WebhookDelivery.WaitUntilSettledAsync(host, [scenario.EndpointId], TimeSpan.FromMinutes(1));
        await scenario.AssertSameAsReferenceAsync(prefix, "tables after a night with Azurite stopped for 30 s");
    }

    /// <summary>Stops Azurite (SIGSTOP) when the first request <paramref name="trigger"/> accepts goes out, and continues it (SIGCONT) after <paramref name="length"/>.</summary>
    private sealed class OutageAt(Func<HttpMessage, bool> trigger, int azuritePid, TimeSpan length) : HttpPipelineSynchronousPolicy
    {
        private int started;
        private Task? ended;

        public bool Happened => Volatile.Read(ref started) == 1;

        public override void OnSendingRequest(HttpMessage message)
        {
            if (!Happened && trigger(message) && Interlocked.Exchange(ref started, 1) == 0)
            {
                Signal("STOP");
                ended = Task.Delay(length).ContinueWith(_ => Signal("CONT"), TaskScheduler.Default);
            }
        }

        /// <summary>Waits for the outage to end (and ends it at once if the test failed before that).</summary>
        public async Task EndAsync()
        {
            if (ended is not null)
            {
                await ended;
            }

            Signal("CONT");
        }

        private void Signal(string signal)
        {
            using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", azuritePid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }
}
