using InfluenceFunctions.Api.Auth;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Profile;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Api.Webhooks;
using InfluenceFunctions.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace InfluenceFunctions.Api;

public static class InfluenceApi
{
    /// <summary>
    /// Everything both hosts share: the HTTP handlers and the partner gate over the workflows and storage
    /// (<see cref="InfluenceWorkflows.AddInfluenceWorkflows"/>). The hosts add only what is theirs: the Functions
    /// triggers, or the local host's endpoint map (<see cref="InfluenceApiEndpoints.MapInfluenceApi"/>), schedule and
    /// queue poller.
    /// </summary>
    public static IServiceCollection AddInfluence(this IServiceCollection services)
    {
        services.AddInfluenceWorkflows();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName);
        services.AddSingleton<UserTokenValidator>();
        services.AddSingleton<QuotaLimiter>();
        services.AddSingleton<PartnerGate>();
        services.AddSingleton<ScoreLookupHandler>();
        services.AddSingleton<ScoreDetailsHandler>();
        services.AddSingleton<ApiKeyHandler>();
        services.AddSingleton<OpenApiHandler>();
        services.AddSingleton<IngestionHandler>();
        services.AddSingleton<NightlyRunHandler>();
        services.AddSingleton<TopicsHandler>();
        services.AddSingleton<PlusKHandler>();
        services.AddSingleton<AccountHandler>();
        services.AddSingleton<WebhookEndpointHandler>();
        services.AddSingleton<WebhookAnnouncementHandler>();

        // The person's profile page: its API, the public card page and the embedded web files (ADR 0012).
        services.AddOptions<SignInOptions>().BindConfiguration(SignInOptions.SectionName);
        services.AddSingleton<WebAssets>();
        services.AddSingleton<ProfileHandler>();
        services.AddSingleton<PublicCardHandler>();
        services.AddSingleton<SignInConfigHandler>();
        return services;
    }
}
