using InfluenceFunctions.Http;
using InfluenceFunctions.Ingestion;
using InfluenceFunctions.Nightly;
using InfluenceFunctions.Partner;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InfluenceFunctions;

public static class ServiceCollectionExtensions
{
    /// <summary>Everything both hosts share: options, storage, ingestion, the nightly workflow services and HTTP handlers.</summary>
    public static IServiceCollection AddInfluenceCore(this IServiceCollection services)
    {
        services.AddOptions<InfluenceOptions>().BindConfiguration(InfluenceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StorageRequestCounter>();
        services.AddSingleton<StorageClientFactory>();
        services.AddSingleton<InfluenceTables>();
        services.AddSingleton<IngestionService>();
        foreach (var model in Scoring.ScoreModels.All)
        {
            services.AddSingleton(model);
        }

        services.AddSingleton<ScoreModelCatalog>();
        services.AddSingleton<NightlyInputsCache>();
        services.AddSingleton<ShardScorer>();
        services.AddSingleton<NightlyRunService>();
        services.AddSingleton<NightlyRunScheduler>();
        services.AddSingleton<NightlyRunScheduleInfo>();
        services.AddSingleton<ScoreLookupHandler>();
        services.AddSingleton<IngestionHandler>();
        services.AddSingleton<NightlyRunHandler>();
        services.AddPartnerApi();
        services.AddInfluenceTopics();
        services.AddWebhooks();
        services.AddOptions<People.PrivacyOptions>().BindConfiguration(People.PrivacyOptions.SectionName);
        services.AddSingleton<People.AccountStore>();
        services.AddSingleton<People.AccountExport>();
        services.AddSingleton<People.ErasureService>();
        services.AddSingleton<AccountHandler>();
        return services;
    }
}
