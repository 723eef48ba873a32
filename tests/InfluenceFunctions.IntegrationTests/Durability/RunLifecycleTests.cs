using System.Net;
using Azure.Core.Pipeline;
using Azure.Core;
using InfluenceFunctions.Domain;
using InfluenceFunctions.IntegrationTests.Webhooks;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.People;
using InfluenceFunctions.Workflows.Runs;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace InfluenceFunctions.IntegrationTests.Durability;

/// <summary>A night's lifecycle: running, completed or failed (with the step and the reason), re-run by an admin.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RunLifecycleTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Night = NightScenario.Night;

    public static TheoryData<RunStep> FailurePoints => new() { RunStep.Score, RunStep.Dispatch };

    [Theory]
    [MemberData(nameof(FailurePoints))]
    public async Task ShouldRecordTheFailedStepAndReasonThenReRunTheNightToTheRowsOfACleanRunSendingEachEventOnce(RunStep failedStep)
    {
        var scenario = await NightScenario.StartAsync(azurite);
        var prefix = await scenario.CopyAsync();
        var queue = $"/{prefix}-webhooks/messages";
        InjectedFailure? failure = null;
        failure = failedStep == RunStep.Score
            // The score step's last write in shard 0003: its population row (the shard's scores are written by then).
            ? new InjectedFailure { Fails = m => m.Request.Method != RequestMethod.Get && InjectedFailure.Path(m).Contains($"population(PartitionKey='{SmallPopulation.Day(Night).Replace("-", "", StringComparison.Ordinal)}',RowKey='0003')", StringComparison.Ordinal) }
            // The dispatch step fails at a queue message once four are on the queue, before any row is marked queued. Deliveries wait until the re-run has queued everything again, so both copies of
            // those messages are on the queue together: only the delivery's claim stands between them and the receiver.
            : new InjectedFailure
            {
                Fails = m => m.Request.Method == RequestMethod.Post && InjectedFailure.Path(m).EndsWith(queue, StringComparison.Ordinal) && failure!.Counted >= 4,
                Holds = m => m.Request.Method == RequestMethod.Get && InjectedFailure.Path(m).EndsWith(queue, StringComparison.Ordinal),
                Counts = m => m.Request.Method == RequestMethod.Post && InjectedFailure.Path(m).EndsWith(queue, StringComparison.Ordinal),
            };
        // The shard failure runs on the Azure Storage backend: the other shards are still running when one fails, and the
        // re-run starts right after (the orchestration must not fail while its activities are in flight).
        var settings = failedStep == RunStep.Score ? DurableBackendTests.OnAzureStorage(NightScenario.Settings(prefix)) : NightScenario.Settings(prefix);
        await using var host = await TestHost.StartAsync(azurite, NightScenario.Now, settings, services => services.AddSingleton<HttpPipelinePolicy>(failure));
        try
        {
            var failed = await NightScenario.RunToEndAsync(host);
            Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
            Assert.Equal(1, failure.Failed); // Failed once, not retried: the same input would fail again.

            var record = (await host.GetJsonAsync($"/api/v1/manage/runs/{SmallPopulation.Day(Night)}?code={TestHost.AdminKey}")).GetProperty("record");
            Assert.Equal("failed", record.GetProperty("status").GetString());
            Assert.Equal(StoredNames.Of(failedStep), record.GetProperty("failedStep").GetString());
            var reason = record.GetProperty("failureReason").GetString()!;
            Assert.Contains("Injected failure", reason, StringComparison.Ordinal);
            if (failedStep == RunStep.Score)
            {
                Assert.StartsWith("Shard 0003: ", reason, StringComparison.Ordinal);
            }

            // The admin runs the failed night again.
            failure.Armed = false;
            var rerun = await NightScenario.RunToEndAsync(host);
            Assert.True(rerun.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{rerun.RuntimeStatus}: {rerun.FailureDetails?.ErrorMessage}");
        }
        finally
        {
            failure.Release();
        }

        await WebhookDelivery.WaitUntilSettledAsync(host, [scenario.EndpointId], TimeSpan.FromMinutes(1));
        await scenario.AssertSameAsReferenceAsync(prefix, "tables after a failed night and its re-run");
        if (failedStep == RunStep.Dispatch)
        {
            Assert.True(failure.Counted > scenario.Reference.Delivered.Count, $"{failure.Counted} messages for {scenario.Reference.Delivered.Count} events: the failed dispatch's messages were queued again");
        }
    }

    [Fact]
    public async Task ShouldRefuseToRunANightInTheFutureOrOlderThanTheSignalWindow()
    {
        await using var host = await TestHost.StartAsync(azurite, NightScenario.Now);
        foreach (var day in new[] { "2026-11-28", "2026-12-25", "2026-07-30", "0001-01-01" })
        {
            using var response = await host.Http.SendAsync(host.Admin(HttpMethod.Post, $"/api/v1/manage/runs?day={day}"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("\"day\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The window's edges run: yesterday and the oldest day signals are kept for (120 days back).
        foreach (var day in new[] { Night, Night.AddDays(-119) })
        {
            using var response = await host.Http.SendAsync(host.Admin(HttpMethod.Post, $"/api/v1/manage/runs?day={SmallPopulation.Day(day)}"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            var done = await host.Durable.WaitForInstanceCompletionAsync(NightlyRunOrchestrator.InstanceIdFor(day), timeout.Token);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        }
    }

    [Fact]
    public async Task ShouldHoldErasuresBackOnlyForANightThatIsRunningAndAlive()
    {
        await using var host = await TestHost.StartAsync(azurite, NightScenario.Now, new Dictionary<string, string?> { ["Privacy:NightStalledSeconds"] = "3" });
        var runs = host.Services.GetRequiredService<RunRecords>();
        var service = host.Services.GetRequiredService<NightlyRunService>();
        var since = Night.AddDays(-2);
        Task<bool> InProgressAsync() => runs.InProgressSinceAsync(since, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(3), CancellationToken.None);

        Assert.False(await InProgressAsync());

        // A night starts (its record says running) and its host is lost right after: in progress while it is fresh...
        await service.PlanAsync(new NightlyRunInput(Night), CancellationToken.None);
        Assert.True(await InProgressAsync());
        Assert.True(await host.Services.GetRequiredService<ErasureService>().NightInProgressAsync(CancellationToken.None));

        // ...abandoned once it has written nothing for the stall time.
        await WaitUntilAsync(async () => !await InProgressAsync(), TimeSpan.FromSeconds(15));
        Assert.False(await host.Services.GetRequiredService<ErasureService>().NightInProgressAsync(CancellationToken.None));

        // A shard that finishes (its population row) is a sign of life again.
        await host.Tables.Population.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(DayKeys.Of(Night), Shards.Key(0)));
        Assert.True(await InProgressAsync());

        // A failed night never holds them back, however fresh.
        await service.RecordFailureAsync(new RunFailure(Night, NightlyRunOrchestrator.InstanceIdFor(Night), RunStep.Score, "test"), CancellationToken.None);
        Assert.False(await InProgressAsync());
        var record = await runs.GetAsync(Night, CancellationToken.None);
        Assert.Equal(RunStatus.Failed, record!.RunStatus);
        Assert.Equal("score", record.FailedStep);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(200);
        }
    }
}
