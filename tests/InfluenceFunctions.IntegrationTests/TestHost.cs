using System.Net.Http.Json;
using System.Text.Json;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain.People;
using InfluenceFunctions.Domain;
using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage.People;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.People;
using InfluenceFunctions.Workflows.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InfluenceFunctions.IntegrationTests;

/// <summary>The local host on a loopback port, over the shared Azurite, with its own tables and a fixed clock.</summary>
public sealed class TestHost : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key";

    private TestHost(WebApplication app, HttpClient http, FixedClock clock)
    {
        App = app;
        Http = http;
        Clock = clock;
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    public FixedClock Clock { get; }

    /// <summary>The partner API key <see cref="Http"/> sends.</summary>
    public string PartnerKey { get; private init; } = string.Empty;

    /// <summary>A client with no keys at all.</summary>
    public HttpClient Bare() => new() { BaseAddress = Http.BaseAddress, Timeout = Http.Timeout };

    public IServiceProvider Services => App.Services;

    public InfluenceTables Tables => Services.GetRequiredService<InfluenceTables>();

    public DurableTaskClient Durable => Services.GetRequiredService<DurableTaskClient>();

    public StorageRequestCounter Counter => Services.GetRequiredService<StorageRequestCounter>();

    public static async Task<TestHost> StartAsync(AzuriteFixture azurite, DateTimeOffset now, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var clock = new FixedClock(now);
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var app = LocalApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = azurite.ConnectionString,
                ["Influence:TablePrefix"] = prefix,
                ["Influence:ShardCount"] = "8",
                ["LocalHost:AdminKey"] = AdminKey,
                ["LocalHost:RunSchedule"] = "false",
                ["LocalHost:RunWebhooks"] = "false", // Its polling would show in the storage counters; webhook tests turn it on.
                ["LocalHost:Durable:Backend"] = "InMemory", // Fast to start; the durability tests choose AzureStorage.
            });
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }

            builder.Services.AddSingleton<TimeProvider>(clock);
            services?.Invoke(builder.Services);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        });
        await app.StartAsync();
        await app.Services.GetRequiredService<InfluenceTables>().CreateIfNotExistsAsync(CancellationToken.None);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };

        // Partner endpoints need an API key: Http carries one with a quota no test reaches (see PartnerApiTests for the gate itself).
        var (_, partnerKey) = await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync("tests", 1_000_000, 100_000_000, CancellationToken.None);
        http.DefaultRequestHeaders.Add(PartnerGate.KeyHeader, partnerKey);
        return new TestHost(app, http, clock) { PartnerKey = partnerKey };
    }

    public HttpRequestMessage Admin(HttpMethod method, string url, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add(LocalApp.AdminKeyHeader, AdminKey);
        return request;
    }

    /// <summary>Starts the nightly run for <paramref name="day"/> over HTTP and waits for it to finish.</summary>
    public async Task<NightlyRunSummary> RunNightAsync(DateOnly day)
    {
        using var start = await Http.SendAsync(Admin(HttpMethod.Post, $"/api/v1/manage/runs?day={day:yyyy-MM-dd}"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, start.StatusCode);
        var instanceId = NightlyRunOrchestrator.InstanceIdFor(day);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var instance = await Durable.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, timeout.Token);
        Assert.True(instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"Run ended {instance.RuntimeStatus}: {instance.FailureDetails?.ErrorMessage ?? instance.SerializedOutput}\n{instance.FailureDetails?.StackTrace}");
        return instance.ReadOutputAs<NightlyRunSummary>()!;
    }

    public async Task<JsonElement> GetJsonAsync(string url)
    {
        using var response = await Http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<HttpResponseMessage> PutBatchAsync(string batchId, object body) =>
        await Http.SendAsync(Admin(HttpMethod.Put, $"/api/v1/ingest/batches/{batchId}", JsonContent.Create(body)));

    /// <summary>
    /// The usual set-up of a test population: every person with signals in the batch opts in and connects the networks
    /// the batch has for them (handle = their id, through <see cref="AccountStore"/>), then the batch is put. The opt-in
    /// rules themselves are tested with the bare <see cref="PutBatchAsync"/> (AccountTests).
    /// </summary>
    public async Task<HttpResponseMessage> PutMembersBatchAsync(string batchId, object body)
    {
        await EnrollAsync(body);
        return await PutBatchAsync(batchId, body);
    }

    /// <summary>As <see cref="PutMembersBatchAsync"/>, for a post batch.</summary>
    public async Task<HttpResponseMessage> PutMembersPostsAsync(string batchId, object body)
    {
        await EnrollAsync(body);
        return await Http.SendAsync(Admin(HttpMethod.Put, $"/api/v1/ingest/posts/{batchId}", JsonContent.Create(body)));
    }

    /// <summary>Opts in everyone with signals or posts in <paramref name="body"/> and connects the networks they have there.</summary>
    public async Task EnrollAsync(object body)
    {
        var root = JsonSerializer.SerializeToElement(body);
        var signals = (root.TryGetProperty("signals", out var items) || root.TryGetProperty("posts", out items) ? items.EnumerateArray() : default)
            .Select(s => (User: s.GetProperty("userId").GetString()!, Network: s.GetProperty("network").GetString()!))
            .Distinct()
            .GroupBy(s => s.User, s => s.Network);
        var accounts = Services.GetRequiredService<AccountStore>();
        await Parallel.ForEachAsync(signals, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (user, ct) =>
        {
            await accounts.OptInAsync(user.Key, ct);
            foreach (var network in user)
            {
                await accounts.ConnectAsync(user.Key, network, user.Key.ToLowerInvariant(), ct);
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>A clock the test sets.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
