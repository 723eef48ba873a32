using System.Text.Json;
using InfluenceFunctions.IntegrationTests.Webhooks;
using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Workflows.Runs;
using Xunit.Abstractions;

namespace InfluenceFunctions.IntegrationTests.Durability;

/// <summary>The host killed halfway through a night: started again, the night resumes and ends as if nothing happened.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrashTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly string Day = SmallPopulation.Day(NightScenario.Night);

    [Fact]
    public async Task ShouldResumeANightWhoseHostWasKilledHalfwayAndWriteTheRowsOfANightThatWasNot()
    {
        var scenario = await NightScenario.StartAsync(azurite);
        var prefix = await scenario.CopyAsync();
        var settings = DurableBackendTests.OnAzureStorage(NightScenario.Settings(prefix));
        settings["Storage:ConnectionString"] = azurite.ConnectionString;
        settings["LocalHost:MaxConcurrentWorkItems"] = "2"; // Two shards at a time: halfway lasts long enough to be hit.
        settings["LocalHost:Durable:WorkerId"] = "crash-test"; // Started again under the same name, it takes its leases back at once.
        settings["LocalHost:Durable:WorkItemVisibility"] = "00:00:05"; // How long the killed host's shard waits before it runs again.
        settings["LocalHost:Durable:ControlQueueVisibility"] = "00:00:05";
        var port = AzuriteProcess.FreePort();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        RunProgress atKill;
        await using (var first = HostProcess.Start(port, settings))
        {
            await first.WaitReadyAsync(TimeSpan.FromMinutes(1));
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: first host up");
            using (var start = await first.Http.PostAsync($"/api/v1/manage/runs?day={Day}", null))
            {
                Assert.Equal(System.Net.HttpStatusCode.Accepted, start.StatusCode);
            }

            atKill = await WaitForProgressAsync(first, p => p is { Phase: RunPhase.Scoring, ShardsDone: >= 16 }, TimeSpan.FromMinutes(2));
            await first.KillAsync();
        }

        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: killed at {atKill}");
        Assert.InRange(atKill.ShardsDone, 16, 28); // Halfway: some shards scored, others not started.

        await using (var second = HostProcess.Start(port, settings))
        {
            await second.WaitReadyAsync(TimeSpan.FromMinutes(1));
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: second host up");
            var status = await WaitForStatusAsync(second, s => s.GetProperty("runtimeStatus").GetString() is "Completed" or "Failed", TimeSpan.FromMinutes(2));
            Assert.True(status.GetProperty("runtimeStatus").GetString() == "Completed", $"{status}\n{second.Log}");
            Assert.Equal("completed", status.GetProperty("record").GetProperty("status").GetString());
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: night completed");

            // The second host delivers the night's events (the first died before any were queued).
            await using var reader = await TestHost.StartAsync(azurite, NightScenario.Now, Quiet(NightScenario.Settings(prefix)));
            await WebhookDelivery.WaitUntilSettledAsync(reader, [scenario.EndpointId], TimeSpan.FromMinutes(1));
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: events delivered");
        }

        await scenario.AssertSameAsReferenceAsync(prefix, "tables of a night whose host was killed halfway");
    }

    /// <summary>A host on the same tables that only reads them: no webhook poller of its own.</summary>
    private static Dictionary<string, string?> Quiet(Dictionary<string, string?> settings)
    {
        settings["LocalHost:RunWebhooks"] = "false";
        return settings;
    }

    private static async Task<RunProgress> WaitForProgressAsync(HostProcess host, Func<RunProgress, bool> until, TimeSpan timeout)
    {
        var status = await WaitForStatusAsync(host, s => s.TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Object && until(p.Deserialize<RunProgress>(JsonSerializerOptions.Web)!), timeout, TimeSpan.FromMilliseconds(25));
        return status.GetProperty("progress").Deserialize<RunProgress>(JsonSerializerOptions.Web)!;
    }

    private static async Task<JsonElement> WaitForStatusAsync(HostProcess host, Func<JsonElement, bool> until, TimeSpan timeout, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await host.Http.GetAsync($"/api/v1/manage/runs/{Day}");
            if (response.IsSuccessStatusCode)
            {
                var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                if (until(status))
                {
                    return status;
                }

                Assert.True(DateTime.UtcNow < deadline, $"timed out; last status {status}\n{host.Log}");
            }
            else
            {
                Assert.True(DateTime.UtcNow < deadline, $"timed out; last answer {(int)response.StatusCode}\n{host.Log}");
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(200));
        }
    }
}
