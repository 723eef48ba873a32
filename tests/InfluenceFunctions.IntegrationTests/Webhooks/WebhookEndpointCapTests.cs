using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using InfluenceFunctions.Storage.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.IntegrationTests.Webhooks;

/// <summary>The cap on endpoints per partner key, held by storage (slot rows) however many registrations race.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class WebhookEndpointCapTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);

    /// <summary>Loopback receivers allowed (development only): the address check needs no DNS and refuses none.</summary>
    private static Dictionary<string, string?> Loopback => new() { ["Webhooks:AllowedHttpHosts:0"] = "127.0.0.1" };

    [Fact]
    public async Task ShouldRegisterExactlyTheCapOfFortyConcurrentRegistrationsAndFreeASlotOnDelete()
    {
        await using var host = await TestHost.StartAsync(azurite, Now, Loopback);
        var cap = host.Services.GetRequiredService<IOptions<WebhookOptions>>().Value.MaxEndpointsPerPartner;
        Assert.Equal(20, cap);

        // Forty at once: every request waits on one signal, then all go.
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racing = Enumerable.Range(0, 2 * cap).Select(async i =>
        {
            await go.Task;
            return await RegisterAsync(host, i);
        }).ToList();
        go.SetResult();
        var answers = await Task.WhenAll(racing);

        var created = answers.Where(a => a.Status == HttpStatusCode.Created).ToList();
        var refused = answers.Where(a => a.Status != HttpStatusCode.Created).ToList();
        Assert.Equal(cap, created.Count);
        Assert.Equal(cap, refused.Count);
        Assert.All(refused, a =>
        {
            Assert.Equal(HttpStatusCode.Conflict, a.Status);
            Assert.Equal("application/problem+json", a.MediaType);
            Assert.Equal(409, a.Body.GetProperty("status").GetInt32());
            Assert.Contains($"already has {cap} endpoints", a.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        });

        // Storage holds exactly the endpoints that were answered 201, each with its own slot, and the slots 0..cap-1.
        var stored = await PartitionAsync(host);
        Assert.Equal(created.Select(a => a.EndpointId).Order(StringComparer.Ordinal), stored.Endpoints.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, cap), stored.Slots.Keys.Order());
        Assert.All(stored.Endpoints, e => Assert.Equal(e.Key, stored.Slots[e.Value!.Value]));
        Assert.Equal(cap, (await host.GetJsonAsync("/api/v1/webhooks/endpoints")).GetProperty("endpoints").GetArrayLength());

        // Deleting one frees its slot: one more registration fits, and the next is refused again.
        // Each costs two storage calls, as before slots: a delete reads the endpoint and submits one transaction, a
        // registration queries the partition's keys and submits one transaction.
        var deleted = created[0].EndpointId;
        var freed = stored.Endpoints[deleted]!.Value;
        var before = host.Counter.Total;
        using (var delete = await host.Http.DeleteAsync($"/api/v1/webhooks/endpoints/{deleted}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.Equal(2, host.Counter.Total - before);

        var afterDelete = await PartitionAsync(host);
        Assert.Equal((cap - 1, cap - 1), (afterDelete.Endpoints.Count, afterDelete.Slots.Count));
        Assert.False(afterDelete.Slots.ContainsKey(freed));

        before = host.Counter.Total;
        var again = await RegisterAsync(host, 100);
        Assert.Equal(HttpStatusCode.Created, again.Status);
        Assert.Equal(2, host.Counter.Total - before);
        Assert.Equal(freed, (await PartitionAsync(host)).Endpoints[again.EndpointId]); // The only free slot.
        var full = await RegisterAsync(host, 101);
        Assert.Equal(HttpStatusCode.Conflict, full.Status);
        Assert.Equal(cap, (await PartitionAsync(host)).Endpoints.Count);
    }

    [Fact]
    public async Task ShouldCountEndpointsRegisteredBeforeSlotsAgainstTheCap()
    {
        await using var host = await TestHost.StartAsync(azurite, Now, Loopback);
        var store = host.Services.GetRequiredService<WebhookStore>();
        await store.CreateIfNotExistsAsync(CancellationToken.None);
        var partnerId = host.PartnerKey.Substring("ifk_".Length, 12);
        for (var i = 0; i < 18; i++)
        {
            // As the old code wrote them: an endpoint row and no slot.
            await store.Endpoints.AddEntityAsync(new WebhookEndpointEntity(partnerId, $"ep_{i:x16}") { Url = "http://127.0.0.1:9/old", EventTypes = "score.changed", CreatedUtc = Now, UpdatedUtc = Now });
        }

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => RegisterAsync(host, i)));
        Assert.Equal(2, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.Equal(3, answers.Count(a => a.Status == HttpStatusCode.Conflict));
        var stored = await PartitionAsync(host);
        Assert.Equal((20, 18, 2), (stored.Endpoints.Count, stored.Endpoints.Count(e => e.Value is null), stored.Slots.Count));

        // Deleting an old endpoint (no slot to free) makes room all the same.
        using (var delete = await host.Http.DeleteAsync($"/api/v1/webhooks/endpoints/ep_{0:x16}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(host, 10)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await RegisterAsync(host, 11)).Status);
        Assert.Equal(20, (await PartitionAsync(host)).Endpoints.Count);
    }

    private static async Task<(HttpStatusCode Status, string? MediaType, JsonElement Body, string EndpointId)> RegisterAsync(TestHost host, int index)
    {
        using var response = await host.Http.PostAsJsonAsync("/api/v1/webhooks/endpoints", new { url = $"http://127.0.0.1:9/hook/{index}", eventTypes = new[] { "score.changed" } });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        var endpointId = response.StatusCode == HttpStatusCode.Created ? body.GetProperty("endpoint").GetProperty("id").GetString()! : string.Empty;
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, endpointId);
    }

    /// <summary>The endpoints table as stored: endpoint id -> the slot its row names, and slot number -> the endpoint its row names.</summary>
    private static async Task<(Dictionary<string, int?> Endpoints, Dictionary<int, string> Slots)> PartitionAsync(TestHost host)
    {
        var endpoints = new Dictionary<string, int?>(StringComparer.Ordinal);
        var slots = new Dictionary<int, string>();
        await foreach (var row in host.Services.GetRequiredService<WebhookStore>().Endpoints.QueryAsync<TableEntity>())
        {
            if (row.RowKey.StartsWith("slot|", StringComparison.Ordinal))
            {
                slots.Add(int.Parse(row.RowKey["slot|".Length..], System.Globalization.CultureInfo.InvariantCulture), row.GetString("EndpointId"));
            }
            else
            {
                Assert.StartsWith("ep_", row.RowKey, StringComparison.Ordinal);
                endpoints.Add(row.RowKey, row.GetInt32("Slot"));
            }
        }

        return (endpoints, slots);
    }
}
