using Azure.Data.Tables;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace InfluenceFunctions.IntegrationTests.Webhooks;

/// <summary>Waits for webhook delivery to go quiet: the condition a "nothing more arrived" check needs, instead of a fixed sleep.</summary>
public static class WebhookDelivery
{
    /// <summary>
    /// Waits until every outbox event of <paramref name="endpointIds"/> is delivered (state written after the receiver
    /// answered) and the delivery queue is empty. Azure and Azurite count invisible messages (in flight or delayed) too,
    /// and the poller deletes a message only after handling it, so an empty queue means no send is still to come.
    /// </summary>
    public static async Task WaitUntilSettledAsync(TestHost host, IReadOnlyCollection<string> endpointIds, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(endpointIds);
        var store = host.Services.GetRequiredService<WebhookStore>();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var states = new List<string>();
            foreach (var endpointId in endpointIds)
            {
                var filter = TableClient.CreateQueryFilter($"PartitionKey eq {endpointId} and RowKey ge {"evt_"} and RowKey lt {"evt`"}");
                await foreach (var row in store.Events.QueryAsync<TableEntity>(filter, select: ["State"]))
                {
                    states.Add(row.GetString("State") ?? "");
                }
            }

            var queued = (await store.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
            if (states.Count > 0 && states.TrueForAll(s => s == StoredNames.Of(WebhookEventState.Delivered)) && queued == 0)
            {
                return;
            }

            Assert.True(
                DateTime.UtcNow < deadline,
                $"webhook delivery did not settle: {queued} messages queued, event states {string.Join(", ", states.GroupBy(s => s, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}"))}");
            await Task.Delay(50);
        }
    }
}
