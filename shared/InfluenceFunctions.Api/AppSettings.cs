using InfluenceFunctions.Storage;
namespace InfluenceFunctions.Api;

/// <summary>
/// The settings the Functions app reads at startup in Azure, by their configuration key. The deployment
/// template must set every one (a test compiles infra/main.bicep and checks); locally they have defaults or
/// come from Azurite.
/// </summary>
public static class AppSettings
{
    /// <summary>Keys the app reads through IConfiguration (':' separated; app settings spell them with '__').</summary>
    public static IReadOnlyList<string> RequiredInAzure { get; } =
    [
        "Storage:TableServiceUri",
        "Storage:QueueServiceUri",
        "Storage:ManagedIdentityClientId",
        "Influence:NightlySchedule",
        "Influence:TaskHubName",
        "Influence:ShardCount",
        "Auth:Issuer",
        "Auth:Audience",
        "Auth:MetadataAddress",
        "Webhooks:QueueName",
        "AzureWebJobsStorage:credential",
        "AzureWebJobsStorage:clientId",
        "AzureWebJobsStorage:blobServiceUri",
        "AzureWebJobsStorage:queueServiceUri",
        "AzureWebJobsStorage:tableServiceUri",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
    ];

    /// <summary>Secrets: set in Azure only as Key Vault references, never as plain values.</summary>
    public static IReadOnlyList<string> Secrets { get; } =
    [
        "Security:ApiKeyPepper",
        "Webhooks:SecretMasterKey",
    ];
}
