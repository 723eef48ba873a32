using System.ComponentModel.DataAnnotations;
using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc.Internal;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.LocalHost;

/// <summary>Which engine runs the local host's orchestrations (ADR 0016).</summary>
public enum DurableBackend
{
    /// <summary>DurableTask.AzureStorage over the same storage account (Azurite): what the Functions host runs in Azure.
    /// Orchestrations survive a crash or restart of the host and resume where they were.</summary>
    AzureStorage,

    /// <summary>The in-process engine: state in memory, lost with the process. Fast to start; the tests' default.</summary>
    InMemory,
}

/// <summary>Settings of section "LocalHost:Durable". The defaults are the Functions host's, except where noted.</summary>
public sealed class LocalDurableOptions
{
    public const string SectionName = "LocalHost:Durable";

    public DurableBackend Backend { get; set; } = DurableBackend.AzureStorage;

    /// <summary>Names the task hub's queues, tables and blob containers (letters and digits, 3-45).</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,44}$")]
    public string TaskHub { get; set; } = "influencelocal";

    /// <summary>Control queues (orchestration partitions); fixed for the life of a task hub. Functions: 4.</summary>
    [Range(1, 16)]
    public int PartitionCount { get; set; } = 4;

    /// <summary>
    /// How long a dequeued activity stays hidden. Running activities renew it (every third of it), so it bounds only how
    /// long an activity a crashed host was running waits before it runs again: 30 s here, 5 min in Functions.
    /// </summary>
    public TimeSpan WorkItemVisibility { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The same for an orchestration's control-queue messages: 5 min, as in Functions. A message can wait in the backend's
    /// buffer before its episode starts (and its renewal with it); at 30 s a slow store (Azurite at 300,000 users) let a
    /// sub-orchestration's start message be delivered twice, and the instance stuck for good on "Multiple
    /// ExecutionStartedEvent found" (bench/results/bench-nightly-300000u-256s-stuck-control-visibility-30s.txt).
    /// </summary>
    public TimeSpan ControlQueueVisibility { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far idle queue polling backs off: the delay before the first message after a quiet spell. Functions: 30 s.</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The owner written on partition leases. A host restarted with the same id takes its leases back at once; with
    /// another it waits for them to lapse (30 s). Default: the machine name, as in Functions.
    /// </summary>
    public string? WorkerId { get; set; }
}

/// <summary>
/// The local host's Durable Task engine: the in-memory one, or the Functions host's arrangement without the Functions host:
/// DurableTask.AzureStorage behind the Durable Task gRPC sidecar (<see cref="TaskHubGrpcServer"/>), with the gRPC worker
/// and client connected to it. Worked out in the durable probe (its findings: the sidecar never renews an activity's
/// queue message, and sub-orchestration starts do not round-trip through its storage, so
/// <see cref="SidecarCompatibleOrchestrationService"/> adapts the backend; a task hub must exist before the sidecar serves).
/// </summary>
public static class LocalDurableTask
{
    public static void Add(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(LocalDurableOptions.SectionName).Get<LocalDurableOptions>() ?? new LocalDurableOptions();
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);

        // The engine's default runs ProcessorCount work items at a time, then sleeps: widen it (see docs/decisions).
        // Not too wide: Azurite is one Node thread, and 32 shard reads at once only queue up and time out there.
        var concurrency = builder.Configuration.GetValue("LocalHost:MaxConcurrentWorkItems", 8);
        builder.Services.AddSingleton(options);
        if (options.Backend == DurableBackend.InMemory)
        {
            builder.Services.AddInMemoryDurableTask(InfluenceWorkflows.Register, new InMemoryDurableTaskOptions { Port = AzuriteProcess.FreePort() });
            builder.Services.AddSingleton<InMemoryOrchestrationService>(sp => new WideInMemoryOrchestrationService(sp.GetService<ILoggerFactory>(), concurrency));
            return;
        }

        var address = $"http://127.0.0.1:{AzuriteProcess.FreePort()}";
        builder.Services.AddSingleton(sp => new AzureStorageOrchestrationService(Settings(
            options,
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString
                ?? throw new InvalidOperationException($"The Azure Storage durable backend needs {StorageOptions.SectionName}:ConnectionString (or set {LocalDurableOptions.SectionName}:Backend to InMemory)."),
            concurrency,
            sp.GetRequiredService<ILoggerFactory>())));

        // Registered before the worker so it starts first and stops last (hosted services stop in reverse order).
        builder.Services.AddHostedService(sp => new AzureStorageSidecarHost(sp.GetRequiredService<AzureStorageOrchestrationService>(), options, new Uri(address), sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddDurableTaskWorker(worker =>
        {
            worker.UseGrpc(grpc =>
            {
                grpc.Address = address;

                // The worker reconnects after 120 s without a message, expecting health pings this sidecar never sends:
                // an idle host would log a reconnect every two minutes, each racing the sidecar's connected flag. On
                // loopback in one process a silent disconnect is not a real risk. (An *.Internal API: re-check on upgrade.)
                grpc.SetSilentDisconnectTimeout(TimeSpan.Zero);
            });
            worker.AddTasks(InfluenceWorkflows.Register);
        });
        builder.Services.AddDurableTaskClient(client =>
        {
            client.UseGrpc(address);
            client.RegisterDirectly();
        });
    }

    private static AzureStorageOrchestrationServiceSettings Settings(LocalDurableOptions options, string connectionString, int concurrency, ILoggerFactory loggerFactory) => new()
    {
        StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
        TaskHubName = options.TaskHub,
        AppName = options.TaskHub,
        WorkerId = options.WorkerId ?? Environment.MachineName,
        PartitionCount = options.PartitionCount,
        MaxConcurrentTaskActivityWorkItems = concurrency,
        MaxConcurrentTaskOrchestrationWorkItems = concurrency,
        MaxQueuePollingInterval = options.MaxQueuePollingInterval,
        WorkItemQueueVisibilityTimeout = options.WorkItemVisibility,
        ControlQueueVisibilityTimeout = options.ControlQueueVisibility,
        ThrowExceptionOnInvalidDedupeStatus = true, // As Functions: a start over an existing instance throws, never silently drops.
        ExtendedSessionsEnabled = false, // The sidecar's dispatcher never reuses a work item's session.
        LoggerFactory = loggerFactory,
    };
}

/// <summary>
/// Runs the gRPC sidecar on its own Kestrel (HTTP/2 without TLS, loopback only) over the Azure Storage backend.
/// Creates the task hub first: the sidecar's own CreateTaskHub call does not wait for the work it starts.
/// </summary>
internal sealed partial class AzureStorageSidecarHost(
    AzureStorageOrchestrationService service,
    LocalDurableOptions options,
    Uri address,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger logger = loggerFactory.CreateLogger<AzureStorageSidecarHost>();
    private WebApplication? sidecar;
    private SidecarCompatibleOrchestrationService? dispatching;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await service.CreateIfNotExistsAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);

        // The outer host owns Ctrl+C/SIGTERM; a second console lifetime here would race it for the signal.
        builder.Services.AddSingleton<IHostLifetime, OwnedHostLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, address.Port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();

        // The dispatching side is wrapped; the client side must stay the backend itself (the sidecar probes it for purge and query).
        dispatching = new SidecarCompatibleOrchestrationService(service, options.WorkItemVisibility / 3, logger);
        builder.Services.AddSingleton<IOrchestrationService>(dispatching);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        sidecar = builder.Build();
        sidecar.MapGrpcService<TaskHubGrpcServer>();
        await sidecar.StartAsync(cancellationToken);
        LogStarted(logger, options.TaskHub, address.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (sidecar is not null)
        {
            await sidecar.StopAsync(cancellationToken);
        }

        // The sidecar stops the backend from a fire-and-forget callback; stop it here too (once: the adapter shares one
        // stop) so the partition leases are released before the process exits.
        if (dispatching is not null)
        {
            await dispatching.StopAsync(isForced: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (sidecar is not null)
        {
            await sidecar.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Durable Task engine: Azure Storage task hub {TaskHub}, sidecar on 127.0.0.1:{Port}")]
    private static partial void LogStarted(ILogger logger, string taskHub, int port);
}

/// <summary>A lifetime that leaves start and stop to the owner (no console or signal handling of its own).</summary>
internal sealed class OwnedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The in-memory engine with more than ProcessorCount concurrent work items (it would otherwise do ~4 activities/s on 2 cores).</summary>
internal sealed class WideInMemoryOrchestrationService(ILoggerFactory? loggerFactory, int concurrency)
    : InMemoryOrchestrationService(loggerFactory), IOrchestrationService
{
    int IOrchestrationService.MaxConcurrentTaskActivityWorkItems => concurrency;

    int IOrchestrationService.MaxConcurrentTaskOrchestrationWorkItems => concurrency;
}
