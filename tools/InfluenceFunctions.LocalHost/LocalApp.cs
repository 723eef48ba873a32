using System.Security.Cryptography;
using System.Text;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.Webhooks;
using InfluenceFunctions.Workflows;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing;

namespace InfluenceFunctions.LocalHost;

/// <summary>
/// Builds the local host: the same handlers, workflows and schedule as the Functions app, on ASP.NET Core with
/// the Durable Task engine in-process (on the Azure Storage backend by default, or in memory: <see cref="LocalDurableTask"/>).
/// Tests build it the same way.
/// </summary>
public static class LocalApp
{
    public const string AdminKeyHeader = "x-functions-key";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:InfluenceFunctions"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        });
        configure?.Invoke(builder);
        builder.Services.AddProblemDetails();
        builder.Services.AddInfluence();
        LocalDurableTask.Add(builder);
        if (builder.Configuration.GetValue("LocalHost:RunSchedule", true))
        {
            builder.Services.AddHostedService<NightlyScheduleService>();
        }

        // The Functions app's webhook queue trigger, as a poller over the same processing code.
        if (builder.Configuration.GetValue("LocalHost:RunWebhooks", true))
        {
            builder.Services.AddHostedService<WebhookQueuePoller>();
        }

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        MapApi(app, AdminKey(app.Configuration));
        return app;
    }

    /// <summary>The admin key of this host: LocalHost:AdminKey, or a random one made at start (printed to the console).</summary>
    public static string AdminKey(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var key = configuration["LocalHost:AdminKey"];
        if (string.IsNullOrEmpty(key))
        {
            key = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            configuration["LocalHost:AdminKey"] = key;
        }

        return key;
    }

    private static void MapApi(WebApplication app, string adminKey)
    {
        var api = app.MapGroup("/" + ApiRoutes.Prefix);

        // Topics and +K: reads go through the partner gate like every partner route; end-user actions check the
        // bearer token in the handler (as in the Functions app).
        api.MapGet(ApiRoutes.Topics, (HttpRequest request, PartnerGate gate, TopicsHandler handler) => gate.RunAsync(request, _ => Task.FromResult(handler.GetOntology())));
        api.MapGet(ApiRoutes.TopicLeaders, (string topicId, HttpRequest request, PartnerGate gate, TopicsHandler handler, CancellationToken ct) => gate.RunAsync(request, _ => handler.GetLeadersAsync(topicId, request, ct)));
        api.MapGet(ApiRoutes.UserTopics, (string userId, HttpRequest request, PartnerGate gate, TopicsHandler handler, CancellationToken ct) => gate.RunAsync(request, _ => handler.GetUserTopicsAsync(userId, request, ct)));
        api.MapGet(ApiRoutes.UserTopic, (string userId, string topicId, HttpRequest request, PartnerGate gate, TopicsHandler handler, CancellationToken ct) => gate.RunAsync(request, _ => handler.GetUserTopicAsync(userId, topicId, request, ct)));
        api.MapPut(ApiRoutes.UserTopicHidden, (string userId, string topicId, HttpRequest request, TopicsHandler handler, CancellationToken ct) => handler.SetHiddenAsync(userId, topicId, true, request, ct));
        api.MapDelete(ApiRoutes.UserTopicHidden, (string userId, string topicId, HttpRequest request, TopicsHandler handler, CancellationToken ct) => handler.SetHiddenAsync(userId, topicId, false, request, ct));
        api.MapPost(ApiRoutes.UserPlusK, (string userId, HttpRequest request, PlusKHandler handler, CancellationToken ct) => handler.GiveAsync(userId, request, ct));
        api.MapGet(ApiRoutes.UserPlusK, (string userId, HttpRequest request, PlusKHandler handler, CancellationToken ct) => handler.GetAsync(userId, request, ct));

        // Admin endpoints: the Functions host guards these with its function/admin keys; here, the same header.
        var admin = api.MapGroup(string.Empty).AddEndpointFilter(async (context, next) =>
            IsAdmin(context.HttpContext.Request, adminKey) ? await next(context) : Problems.Unauthorized("An admin key is required in the x-functions-key header."));
        admin.MapPut(ApiRoutes.IngestBatch, (string batchId, HttpRequest request, IngestionHandler handler, CancellationToken ct) => handler.PutBatchAsync(batchId, request, ct));
        admin.MapPut(ApiRoutes.IngestPosts, (string batchId, HttpRequest request, PostIngestionHandler handler, CancellationToken ct) => handler.PutBatchAsync(batchId, request, ct));
        admin.MapPost(ApiRoutes.Runs, (HttpRequest request, NightlyRunHandler handler, DurableTaskClient client, CancellationToken ct) => handler.StartAsync(request, client, ct));
        admin.MapGet(ApiRoutes.Run, (string day, NightlyRunHandler handler, DurableTaskClient client, CancellationToken ct) => handler.GetAsync(day, client, ct));
        admin.MapGet(ApiRoutes.ShadowReport, (string version, NightlyRunHandler handler, CancellationToken ct) => handler.GetShadowReportAsync(version, ct));
        PartnerEndpoints.Map(api, admin);
        WebhookEndpoints.Map(api, admin);
        AccountEndpoints.Map(api);
    }

    private static bool IsAdmin(HttpRequest request, string adminKey)
    {
        var presented = request.Headers[AdminKeyHeader].ToString();
        if (presented.Length == 0)
        {
            presented = request.Query["code"].ToString();
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(adminKey));
    }
}
