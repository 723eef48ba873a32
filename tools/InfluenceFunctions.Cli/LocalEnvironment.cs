using System.Globalization;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain;
using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace InfluenceFunctions.Cli;

/// <summary>A fresh Azurite plus the local host (no schedule, quiet), for commands that run nights.</summary>
internal sealed class LocalEnvironment : IAsyncDisposable
{
    private readonly AzuriteProcess azurite;

    private LocalEnvironment(AzuriteProcess azurite, WebApplication app)
    {
        this.azurite = azurite;
        App = app;
    }

    public WebApplication App { get; }

    public AzuriteProcess Azurite => azurite;

    public string ConnectionString => azurite.ConnectionString;

    public InfluenceTables Tables => App.Services.GetRequiredService<InfluenceTables>();

    public StorageRequestCounter Counter => App.Services.GetRequiredService<StorageRequestCounter>();

    public DateOnly Night => App.Services.GetRequiredService<NightlyRunScheduler>().NightToScore();

    public static async Task<LocalEnvironment> StartAsync(int shards, IDictionary<string, string?>? settings = null)
    {
        var azurite = await AzuriteProcess.StartAsync(Console.Error, CancellationToken.None);
        var app = LocalApp.Build([], builder =>
        {
            builder.Configuration["Storage:ConnectionString"] = azurite.ConnectionString;
            builder.Configuration["Influence:ShardCount"] = shards.ToString(CultureInfo.InvariantCulture);
            builder.Configuration["LocalHost:RunSchedule"] = "false";
            builder.Configuration["LocalHost:RunWebhooks"] = "false"; // Its queue polling would show in the benches' storage counts.
            builder.Configuration["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning";
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                builder.Configuration[key] = value;
            }
        });
        await app.StartAsync();
        return new LocalEnvironment(azurite, app);
    }

    /// <summary>Runs one night through the durable orchestration and waits for it.</summary>
    public async Task<NightlyRunSummary> RunNightAsync(DateOnly day)
    {
        var client = App.Services.GetRequiredService<DurableTaskClient>();
        var start = await App.Services.GetRequiredService<NightlyRunScheduler>().StartOnDemandAsync(client, day, CancellationToken.None);
        var done = await client.WaitForInstanceCompletionAsync(start.InstanceId, getInputsAndOutputs: true);
        return done.RuntimeStatus == OrchestrationRuntimeStatus.Completed
            ? done.ReadOutputAs<NightlyRunSummary>()!
            : throw new InvalidOperationException($"{start.InstanceId}: {done.RuntimeStatus} {done.FailureDetails?.ErrorMessage ?? done.SerializedOutput}");
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await azurite.DisposeAsync();
    }
}
