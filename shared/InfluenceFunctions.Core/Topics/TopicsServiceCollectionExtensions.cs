using InfluenceFunctions.Auth;
using InfluenceFunctions.Http;
using InfluenceFunctions.Nightly;
using InfluenceFunctions.Topics;
using Microsoft.Extensions.DependencyInjection;

namespace InfluenceFunctions;

public static class TopicsServiceCollectionExtensions
{
    /// <summary>Topics of influence and +K: the ontology, attribution, the nightly step, leaderboards, end-user auth and handlers.</summary>
    public static IServiceCollection AddInfluenceTopics(this IServiceCollection services)
    {
        services.AddOptions<TopicOptions>().BindConfiguration(TopicOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName);
        services.AddSingleton(TopicOntology.Default);
        services.AddSingleton<TopicAttributor>();
        services.AddSingleton<PlusKGraphCache>();
        services.AddSingleton<ShardTopicScorer>();
        services.AddSingleton<TopicChangeLedger>();
        services.AddSingleton<Webhooks.IUserTopicChanges>(sp => sp.GetRequiredService<TopicChangeLedger>()); // Replaces the webhooks' TryAdd default.
        services.AddSingleton<LeaderboardBuilder>();
        services.AddSingleton<IRunCompletionStep>(sp => sp.GetRequiredService<LeaderboardBuilder>());
        services.AddSingleton<PostIngestionService>();
        services.AddSingleton<PlusKService>();
        services.AddSingleton<UserTokenValidator>();
        services.AddSingleton<PostIngestionHandler>();
        services.AddSingleton<StoredUserTopics>();
        services.AddSingleton<Partner.IUserTopicsProvider>(sp => sp.GetRequiredService<StoredUserTopics>());
        services.AddSingleton<TopicsHandler>();
        services.AddSingleton<PlusKHandler>();
        return services;
    }
}
