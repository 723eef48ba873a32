using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage.Ingestion;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage.People;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage.Topics;
using InfluenceFunctions.Storage.Webhooks;
using InfluenceFunctions.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Storage.Composition;

public static class InfluenceStorage
{
    /// <summary>Settings, the storage clients and every store (the bottom of the composition; the workflows add theirs on top).</summary>
    public static IServiceCollection AddInfluenceStorage(this IServiceCollection services)
    {
        services.AddOptions<InfluenceOptions>().BindConfiguration(InfluenceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations();
        services.AddOptions<PartnerOptions>().BindConfiguration(PartnerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TopicOptions>().BindConfiguration(TopicOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.AllowedHttpHosts.Count == 0 || string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WEBSITE_SITE_NAME")),
                "Webhooks:AllowedHttpHosts is for development only and must not be set in Azure.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new RunSchedule(sp.GetRequiredService<IOptions<InfluenceOptions>>().Value.NightlySchedule));
        foreach (var model in ScoreModels.BuiltIn)
        {
            services.AddSingleton(model);
        }

        services.AddSingleton(sp => new ScoreModels(sp.GetServices<IScoreModel>()));
        services.AddSingleton(TopicOntology.Default);
        services.AddSingleton<TopicAttributor>();

        services.AddSingleton<StorageRequestCounter>();
        services.AddSingleton<StorageClientFactory>();
        services.AddSingleton<InfluenceTables>();
        services.AddSingleton<RunRecords>();
        services.AddSingleton<IngestionService>();
        services.AddSingleton<PostIngestionService>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<AccountExport>();
        services.AddSingleton<ApiKeyHasher>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<ScoreReader>();
        services.AddSingleton<StoredUserTopics>();
        services.AddSingleton<PlusKGraphCache>();
        services.AddSingleton<PlusKService>();
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<WebhookSecretProtector>();
        services.AddSingleton<WebhookOutbox>();
        return services;
    }
}
