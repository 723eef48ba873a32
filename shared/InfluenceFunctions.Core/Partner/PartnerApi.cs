using InfluenceFunctions.Http;
using InfluenceFunctions.Nightly;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InfluenceFunctions.Partner;

public static class PartnerApi
{
    /// <summary>The partner API's services: keys, quotas, the gate, the cached score reader and the handlers.</summary>
    public static IServiceCollection AddPartnerApi(this IServiceCollection services)
    {
        services.AddOptions<PartnerOptions>().BindConfiguration(PartnerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ApiKeyHasher>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<QuotaLimiter>();
        services.AddSingleton<PartnerGate>();
        services.AddSingleton<ScoreReader>();
        services.AddSingleton<IRunCompletedObserver>(sp => sp.GetRequiredService<ScoreReader>());
        services.TryAddSingleton<IUserTopicsProvider, NoUserTopics>();
        services.AddSingleton<ScoreDetailsHandler>();
        services.AddSingleton<ApiKeyHandler>();
        services.AddSingleton<OpenApiHandler>();
        return services;
    }
}

/// <summary>GET /api/openapi.json: the hand-written OpenAPI 3 document (an embedded resource; a test keeps it equal to the routes served).</summary>
public sealed class OpenApiHandler
{
    private readonly string document = Load();

    public static string Load()
    {
        using var stream = typeof(OpenApiHandler).Assembly.GetManifestResourceStream("InfluenceFunctions.openapi.json")
            ?? throw new InvalidOperationException("The embedded OpenAPI document is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public IResult Get(HttpRequest request) =>
        PartnerInput.UnknownQuery(request) ?? CachedResource.Text(document, "application/json; charset=utf-8", TimeSpan.FromHours(1));
}
