using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Storage.Webhooks;

namespace InfluenceFunctions.Workflows.Webhooks;

public static class WebhookDeliveryServices
{
    /// <summary>
    /// Webhook dispatch and delivery: the dispatcher, the delivery processor and its HTTP client (15 s timeout, no
    /// redirects, no proxy, connections only to addresses the SSRF guard accepts). The local host adds
    /// <see cref="WebhookQueuePoller"/>; the Functions app has a queue trigger instead.
    /// </summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services)
    {
        services.AddSingleton<WebhookAddressPolicy>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddSingleton<WebhookDeliveryProcessor>();
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
