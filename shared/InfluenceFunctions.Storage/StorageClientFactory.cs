using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Domain;

namespace InfluenceFunctions.Storage;

/// <summary>
/// The one place storage clients are made: a connection string for Azurite, or DefaultAzureCredential plus
/// service URIs in Azure. Every client carries the <see cref="StorageRequestCounter"/> and the retry settings of
/// <see cref="StorageOptions"/> (docs/deploy.md, "Storage retries").
/// </summary>
public sealed class StorageClientFactory
{
    private readonly StorageOptions storage;
    private readonly InfluenceOptions influence;
    private readonly StorageRequestCounter counter;
    private readonly Lazy<TableServiceClient> tableService;
    private readonly Lazy<QueueServiceClient> queueService;

    private readonly HttpPipelinePolicy[] extraPolicies;

    /// <param name="extraPolicies">
    /// Policies added to every table and queue client per retry, after the counter: each attempt passes through them,
    /// and what they answer is retried by the SDK like a real response (tests inject faults this way).
    /// </param>
    public StorageClientFactory(IOptions<StorageOptions> storage, IOptions<InfluenceOptions> influence, StorageRequestCounter counter, IEnumerable<HttpPipelinePolicy>? extraPolicies = null)
    {
        this.extraPolicies = extraPolicies?.ToArray() ?? [];
        this.storage = storage.Value;
        this.influence = influence.Value;
        this.counter = counter;
        tableService = new Lazy<TableServiceClient>(CreateTableService);
        queueService = new Lazy<QueueServiceClient>(CreateQueueService);
    }

    public StorageRequestCounter Counter => counter;

    public TableServiceClient TableService => tableService.Value;

    public QueueServiceClient QueueService => queueService.Value;

    /// <summary>A table by its logical name (e.g. "scores"), with the configured prefix.</summary>
    public TableClient Table(string logicalName) => TableService.GetTableClient(influence.TablePrefix + logicalName);

    public QueueClient Queue(string logicalName) => QueueService.GetQueueClient((influence.TablePrefix + "-" + logicalName).ToLowerInvariant());

    private TableServiceClient CreateTableService()
    {
        var options = Configure(new TableClientOptions());
        if (!string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            return new TableServiceClient(storage.ConnectionString, options);
        }

        var uri = storage.TableServiceUri ?? throw new InvalidOperationException(
            $"Set {StorageOptions.SectionName}:ConnectionString (Azurite) or {StorageOptions.SectionName}:TableServiceUri (Azure).");
        return new TableServiceClient(uri, Credential(), options);
    }

    private QueueServiceClient CreateQueueService()
    {
        var options = Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        if (!string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            return new QueueServiceClient(storage.ConnectionString, options);
        }

        var uri = storage.QueueServiceUri ?? throw new InvalidOperationException(
            $"Set {StorageOptions.SectionName}:ConnectionString (Azurite) or {StorageOptions.SectionName}:QueueServiceUri (Azure).");
        return new QueueServiceClient(uri, Credential(), options);
    }

    private T Configure<T>(T options)
        where T : ClientOptions
    {
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        foreach (var policy in extraPolicies)
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }

        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = storage.MaxRetries;
        options.Retry.Delay = storage.RetryDelay;
        options.Retry.MaxDelay = storage.RetryMaxDelay;
        options.Retry.NetworkTimeout = storage.NetworkTimeout;
        return options;
    }

    private TokenCredential Credential() => new DefaultAzureCredential(new DefaultAzureCredentialOptions
    {
        ManagedIdentityClientId = string.IsNullOrWhiteSpace(storage.ManagedIdentityClientId) ? null : storage.ManagedIdentityClientId,
    });
}
