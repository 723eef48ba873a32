using InfluenceFunctions.Nightly;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Webhooks;

public static class Webhooks
{
    /// <summary>
    /// Partner webhooks: endpoints, the nightly emitter and dispatch step, the delivery processor and its HTTP client
    /// (15 s timeout, no redirects, no proxy, connections only to addresses the SSRF guard accepts).
    /// The local host adds <see cref="WebhookQueuePoller"/>; the Functions app has a queue trigger instead.
    /// </summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.AllowedHttpHosts.Count == 0 || string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WEBSITE_SITE_NAME")),
                "Webhooks:AllowedHttpHosts is for development only and must not be set in Azure.")
            .ValidateOnStart();
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<WebhookSecretProtector>();
        services.AddSingleton<WebhookAddressPolicy>();
        services.AddSingleton<WebhookOutbox>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddSingleton<WebhookDeliveryProcessor>();
        services.AddSingleton<WebhookEndpointHandler>();
        services.AddSingleton<WebhookAnnouncementHandler>();
        services.TryAddSingleton<IUserTopicChanges, NoUserTopicChanges>();
        services.AddSingleton<IShardScoredObserver, WebhookEmitter>();
        services.AddHttpClient(WebhookDeliveryProcessor.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan) // The processor's own token times each attempt.
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                ConnectTimeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout,
                ConnectCallback = sp.GetRequiredService<WebhookAddressPolicy>().ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2), // Re-resolve (and re-check) hosts now and then.
                MaxConnectionsPerServer = 32,
            });
        return services;
    }
}
