using System.Security.Cryptography;
using System.Text;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Workflows;
using InfluenceFunctions.Workflows.Webhooks;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Testing.Sidecar;
using Scalar.AspNetCore;

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
        // The same endpoint map the OpenAPI document is generated from; admin routes answer only to this host's key.
        app.MapInfluenceApi(request => IsAdmin(request, adminKey));

        // The interactive reference for partners, over that document; its script is served from this host (no CDN).
        app.MapScalarApiReference("/" + ApiRoutes.Prefix + "/docs", options => options
                .WithTitle("InfluenceFunctions API")
                .WithOpenApiRoutePattern("/" + ApiRoutes.Prefix + "/" + ApiRoutes.OpenApi)
                .DisableDefaultFonts()
                .DisableTelemetry())
            .ExcludeFromDescription();

        // The profile and card pages at the site root (not API: left out of the document), and development sign-in.
        ProfileEndpoints.Map(app);
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
