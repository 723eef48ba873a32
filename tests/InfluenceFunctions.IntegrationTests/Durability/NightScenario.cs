using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.IntegrationTests.Webhooks;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace InfluenceFunctions.IntegrationTests.Durability;

/// <summary>
/// The same night run twice from the same start: a population with topics, +K-free leaderboards and a webhook endpoint
/// that wants every event, and the night before already run. It is seeded once and copied to a second set of tables,
/// so the run under test (a failure and a re-run, a crash, storage faults) and the reference run (nothing happens to
/// it) begin from identical rows, ids included, and their tables can be compared row by row.
/// </summary>
internal sealed class NightScenario
{
    public static readonly DateOnly Night = new(2026, 11, 27);
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);

    private NightScenario(string seededPrefix, string endpointId)
    {
        SeededPrefix = seededPrefix;
        EndpointId = endpointId;
    }

    /// <summary>Tables holding the start (do not run the night here; copy them with <see cref="CopyAsync"/>).</summary>
    public string SeededPrefix { get; }

    public string EndpointId { get; }

    public static Dictionary<string, string?> Settings(string prefix)
    {
        var settings = TestTokens.Settings;
        settings["Influence:TablePrefix"] = prefix;
        settings["Influence:ShardCount"] = "32"; // More shards, more storage calls a night (about 700) for faults to land on.
        settings["Webhooks:AllowedHttpHosts:0"] = "127.0.0.1";
        settings["Webhooks:RetryBaseDelay"] = "00:00:00.050";
        settings["Webhooks:Timeout"] = "00:00:05";
        settings["Webhooks:PollInterval"] = "00:00:00.050";
        settings["LocalHost:RunWebhooks"] = "true";
        return settings;
    }

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Seeds the start and runs the night before; the receiver gets that night's events (reset it after).</summary>
    public static async Task<NightScenario> SeedAsync(AzuriteFixture azurite, WebhookReceiver receiver)
    {
        var prefix = NewPrefix();
        await using var host = await TestHost.StartAsync(azurite, Now, Settings(prefix));
        string endpointId;
        using (var register = await host.Http.PostAsJsonAsync("/api/v1/webhooks/endpoints", new { url = receiver.Url, eventTypes = WebhookEventTypes.All }))
        {
            Assert.Equal(HttpStatusCode.Created, register.StatusCode);
            var created = await register.Content.ReadFromJsonAsync<JsonElement>();
            receiver.Secrets.Add(created.GetProperty("secret").GetString()!);
            endpointId = created.GetProperty("endpoint").GetProperty("id").GetString()!;
        }

        await TopicsTests.SeedAsync(host);
        await host.RunNightAsync(Night.AddDays(-1));
        await WebhookDelivery.WaitUntilSettledAsync(host, [endpointId], TimeSpan.FromMinutes(1));
        return new NightScenario(prefix, endpointId);
    }

    /// <summary>A fresh copy of the start, under a new prefix.</summary>
    public async Task<string> CopyAsync(AzuriteFixture azurite)
    {
        var prefix = NewPrefix();
        await TableSnapshot.CopyAsync(new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString), SeededPrefix, prefix);
        return prefix;
    }

    /// <summary>The reference: the night run once, nothing happening to it. Returns its tables and the event ids delivered.</summary>
    public async Task<(List<string> Rows, IReadOnlyCollection<string> Delivered)> ReferenceAsync(AzuriteFixture azurite, WebhookReceiver receiver)
    {
        receiver.Reset();
        var prefix = await CopyAsync(azurite);
        await using var host = await TestHost.StartAsync(azurite, Now, Settings(prefix));
        await host.RunNightAsync(Night);
        await WebhookDelivery.WaitUntilSettledAsync(host, [EndpointId], TimeSpan.FromMinutes(1));
        Assert.Equal(0, receiver.Duplicates);
        Assert.Contains(receiver.Accepted.Values, body => body.Contains(WebhookEventTypes.RecalculationCompleted, StringComparison.Ordinal));
        Assert.Contains(receiver.Accepted.Values, body => body.Contains(WebhookEventTypes.ScoreChanged, StringComparison.Ordinal));
        var delivered = receiver.Accepted.Keys.ToList();
        receiver.Reset();
        return (await TableSnapshot.TakeAsync(host.Services.GetRequiredService<StorageClientFactory>().TableService, prefix), delivered);
    }

    /// <summary>Starts the night over HTTP and waits for the orchestration to end, whichever way.</summary>
    public static async Task<OrchestrationMetadata> RunToEndAsync(TestHost host)
    {
        using (var start = await host.Http.SendAsync(host.Admin(HttpMethod.Post, $"/api/v1/manage/runs?day={SmallPopulation.Day(Night)}")))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        return await host.Durable.WaitForInstanceCompletionAsync(NightlyRunOrchestrator.InstanceIdFor(Night), getInputsAndOutputs: true, timeout.Token);
    }
}
