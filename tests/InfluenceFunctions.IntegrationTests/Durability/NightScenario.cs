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
/// The same night run more than once from the same start: a population with topics and leaderboards, a webhook endpoint
/// that wants every event, and the night before already run. It is seeded once per test run and copied to a fresh set of
/// tables for each run, so the run under test (a failure and a re-run, a crash, storage faults, another engine) and the
/// reference run (nothing happens to it) begin from identical rows, ids included, and their tables compare row by row.
/// </summary>
internal sealed class NightScenario : IAsyncDisposable
{
    public static readonly DateOnly Night = new(2026, 11, 27);
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);

    private NightScenario(AzuriteFixture azurite, WebhookReceiver receiver, string seededPrefix, string endpointId)
    {
        Azurite = azurite;
        Receiver = receiver;
        SeededPrefix = seededPrefix;
        EndpointId = endpointId;
    }

    public AzuriteFixture Azurite { get; }

    /// <summary>The endpoint's receiver; <see cref="StartAsync"/> resets it for each run.</summary>
    public WebhookReceiver Receiver { get; }

    /// <summary>Tables holding the start (never run the night here; <see cref="CopyAsync"/> them).</summary>
    public string SeededPrefix { get; }

    public string EndpointId { get; }

    /// <summary>The reference run's tables (<see cref="TableSnapshot"/>) and the event ids it delivered.</summary>
    public (List<string> Rows, IReadOnlyCollection<string> Delivered) Reference { get; private set; } = ([], []);

    public static Dictionary<string, string?> Settings(string prefix)
    {
        var settings = TestTokens.Settings;
        settings["Influence:TablePrefix"] = prefix;
        settings["Influence:ShardCount"] = "32"; // More shards, more storage calls a night (about 330) for faults to land on.
        settings["Webhooks:AllowedHttpHosts:0"] = "127.0.0.1";
        settings["Webhooks:RetryBaseDelay"] = "00:00:00.050";
        settings["Webhooks:Timeout"] = "00:00:05";
        settings["Webhooks:PollInterval"] = "00:00:00.050";
        settings["LocalHost:RunWebhooks"] = "true";
        return settings;
    }

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The scenario of this test run: seeded, and its reference night run, by the first test that asks.</summary>
    public static async Task<NightScenario> StartAsync(AzuriteFixture azurite)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var scenario = await azurite.SharedAsync(nameof(NightScenario), () => CreateAsync(azurite));
        scenario.Receiver.Reset();
        return scenario;
    }

    private static async Task<NightScenario> CreateAsync(AzuriteFixture azurite)
    {
        var receiver = await WebhookReceiver.StartAsync();
        var prefix = NewPrefix();
        string endpointId;
        await using (var host = await TestHost.StartAsync(azurite, Now, Settings(prefix)))
        {
            using (var register = await host.Http.PostAsJsonAsync("/api/v1/webhooks/endpoints", new { url = receiver.Url, eventTypes = WebhookEventTypes.Names }))
            {
                Assert.Equal(HttpStatusCode.Created, register.StatusCode);
                var created = await register.Content.ReadFromJsonAsync<JsonElement>();
                receiver.Secrets.Add(created.GetProperty("secret").GetString()!);
                endpointId = created.GetProperty("endpoint").GetProperty("id").GetString()!;
            }

            await TopicsTests.SeedAsync(host);
            await host.RunNightAsync(Night.AddDays(-1));
            await WebhookDelivery.WaitUntilSettledAsync(host, [endpointId], TimeSpan.FromMinutes(1));
        }

        var scenario = new NightScenario(azurite, receiver, prefix, endpointId);
        scenario.Reference = await scenario.RunReferenceAsync();
        return scenario;
    }

    /// <summary>A fresh copy of the start, under a new prefix.</summary>
    public async Task<string> CopyAsync()
    {
        var prefix = NewPrefix();
        await TableSnapshot.CopyAsync(new Azure.Data.Tables.TableServiceClient(Azurite.ConnectionString), SeededPrefix, prefix);
        return prefix;
    }

    /// <summary>Asserts the run under <paramref name="prefix"/> wrote the reference's rows and its receiver got each of the reference's events once.</summary>
    public async Task AssertSameAsReferenceAsync(string prefix, string what)
    {
        TableSnapshot.AssertSame(Reference.Rows, await TableSnapshot.TakeAsync(new Azure.Data.Tables.TableServiceClient(Azurite.ConnectionString), prefix), what);
        Assert.Equal(0, Receiver.Duplicates);
        Assert.All(Receiver.Requests, r => Assert.Equal(1, r.Value));
        Assert.Equal(Reference.Delivered.Order(StringComparer.Ordinal), Receiver.Accepted.Keys.Order(StringComparer.Ordinal));
    }

    /// <summary>Starts the night over HTTP and waits for the orchestration to end, whichever way.</summary>
    public static async Task<OrchestrationMetadata> RunToEndAsync(TestHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        using (var start = await host.Http.SendAsync(host.Admin(HttpMethod.Post, $"/api/v1/manage/runs?day={SmallPopulation.Day(Night)}")))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        return await host.Durable.WaitForInstanceCompletionAsync(NightlyRunOrchestrator.InstanceIdFor(Night), getInputsAndOutputs: true, timeout.Token);
    }

    public async ValueTask DisposeAsync() => await Receiver.DisposeAsync();

    /// <summary>The reference: the night run once in a copy, nothing happening to it.</summary>
    private async Task<(List<string> Rows, IReadOnlyCollection<string> Delivered)> RunReferenceAsync()
    {
        Receiver.Reset();
        var prefix = await CopyAsync();
        await using var host = await TestHost.StartAsync(Azurite, Now, Settings(prefix));
        await host.RunNightAsync(Night);
        await WebhookDelivery.WaitUntilSettledAsync(host, [EndpointId], TimeSpan.FromMinutes(1));
        Assert.Equal(0, Receiver.Duplicates);
        Assert.Contains(Receiver.Accepted.Values, body => body.Contains(WebhookEventType.RecalculationCompleted.Name(), StringComparison.Ordinal));
        Assert.Contains(Receiver.Accepted.Values, body => body.Contains(WebhookEventType.ScoreChanged.Name(), StringComparison.Ordinal));
        var delivered = Receiver.Accepted.Keys.ToList();
        Receiver.Reset();
        return (await TableSnapshot.TakeAsync(host.Services.GetRequiredService<StorageClientFactory>().TableService, prefix), delivered);
    }
}
