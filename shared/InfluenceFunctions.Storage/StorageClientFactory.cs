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
/// service URIs in Azure. Every client carries the <see cref="StorageRequestCounter"/>.
/// </summary>
public sealed class StorageClientFactory
{
    private readonly StorageOptions storage;
    private readonly InfluenceOptions influence;
    private readonly StorageRequestCounter counter;
    private readonly Lazy<TableServiceClient> tableService;
    private readonly Lazy<QueueServiceClient> queueService;

    private readonly HttpPipelinePolicy[] extraPolicies;

    /// <param name="extraPolicies">Policies added to every client after the counter (tests inject faults this way).</param>
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
        var options = new TableClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        foreach (var policy in extraPolicies)
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }

        options.Retry.MaxRetries = 5;
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
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        if (!string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            return new QueueServiceClient(storage.ConnectionString, options);
        }

        var uri = storage.QueueServiceUri ?? throw new InvalidOperationException(
            $"Set {StorageOptions.SectionName}:ConnectionString (Azurite) or {StorageOptions.SectionName}:QueueServiceUri (Azure).");
        return new QueueServiceClient(uri, Credential(), options);
    }

    private TokenCredential Credential() => new DefaultAzureCredential(new DefaultAzureCredentialOptions
    {
        ManagedIdentityClientId = string.IsNullOrWhiteSpace(storage.ManagedIdentityClientId) ? null : storage.ManagedIdentityClientId,
    });
}
