using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using InfluenceFunctions.Api.Webhooks;
using InfluenceFunctions.Api;
using Azure.Core.Pipeline;
using Azure.Core;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage.Webhooks;
using InfluenceFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace InfluenceFunctions.IntegrationTests.Webhooks;

/// <summary>topic.gained / topic.lost from real nightly runs: posts change a user's visible topics between nights.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TopicEventTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Night1 = new(2026, 11, 26);
    private static readonly DateOnly Night2 = Night1.AddDays(1);
    private static readonly DateOnly Night3 = Night1.AddDays(2);
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ShouldEmitGainedAndLostTopicsOnceHonouringFiltersAndNeverForHiddenTopics()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = new Dictionary<string, string?>(TestTokens.Settings)
        {
            ["Webhooks:AllowedHttpHosts:0"] = "127.0.0.1",
            ["Webhooks:RetryBaseDelay"] = "00:00:00.050",
            ["Webhooks:PollInterval"] = "00:00:00.050",
            ["LocalHost:RunWebhooks"] = "true",
        };
        var crash = new CrashBeforeTheOutbox();
        await using var host = await TestHost.StartAsync(azurite, Now, settings, services => services.AddSingleton<HttpPipelinePolicy>(crash));
        using (var signals = await host.PutMembersBatchAsync("seed", SmallPopulation.Batch(30, Night3, 32)))
        {
            Assert.Equal(HttpStatusCode.OK, signals.StatusCode);
        }

        // Night 1: u010 follows the Twins, u011 has twins (the children), u012 drinks vodka.
        await PutPostsAsync(host, "p1", TopicPosts.Batch(Night1));
        await host.RunNightAsync(Night1);

        // Registered after night 1, so every event below is about a change from night 1 to 2 or 2 to 3.
        var all = await RegisterAsync(host, receiver, topics: null, userIds: null);
        var wineOnly = await RegisterAsync(host, receiver, topics: ["Wine"], userIds: null);
        var onlyU012 = await RegisterAsync(host, receiver, topics: null, userIds: ["u012"]);

        // Before night 2: u010 starts posting about wine and hides the Twins; u011 posts about wine but hid it first;
        // u012's vodka posts are edited into plain ones.
        await PutPostsAsync(host, "p2", new
        {
            posts = new[]
            {
                TopicPosts.Post("u010", Night2, "wine1", "Opened a great cabernet from Napa Valley tonight", reactions: 30),
                TopicPosts.Post("u010", Night2, "wine2", "Pinot noir tasting at the winery, what a vineyard", reactions: 20),
                TopicPosts.Post("u011", Night2, "wine1", "A glass of red wine after the twins went down", reactions: 5),
                TopicPosts.Post("u011", Night2, "wine2", "Wine tasting with the other twin moms at the vineyard", reactions: 5),
            }.Concat(Enumerable.Range(0, 6).Select(i => TopicPosts.Post("u012", Night1.AddDays(-i), $"vod{i}", "Lime soda, my usual", reactions: 3))).ToArray(),
        });
        await HideAsync(host, "u010", "minnesota-twins");
        await HideAsync(host, "u011", "wine");

        // Shard attempts at night 2 die after writing their topic rows and before the outbox (the event step, last in
        // the pass): the retried activity must compare against night 1 (kept on the row), not against the row the dead
        // attempt wrote.
        crash.Armed = true;
        await host.RunNightAsync(Night2);
        crash.Armed = false;
        Assert.True(crash.Crashed > 0);

        var expected = new Dictionary<string, (string Type, string User, string[] Topics)>(StringComparer.Ordinal)
        {
            [Id(Night2, "u010", WebhookEventType.TopicGained.Name(), all)] = (WebhookEventType.TopicGained.Name(), "u010", ["wine"]),
            [Id(Night2, "u012", WebhookEventType.TopicLost.Name(), all)] = (WebhookEventType.TopicLost.Name(), "u012", ["vodka"]),
            [Id(Night2, "u010", WebhookEventType.TopicGained.Name(), wineOnly)] = (WebhookEventType.TopicGained.Name(), "u010", ["wine"]),
            [Id(Night2, "u012", WebhookEventType.TopicLost.Name(), onlyU012)] = (WebhookEventType.TopicLost.Name(), "u012", ["vodka"]),
        };
        await AssertDeliveredExactlyAsync(host, receiver, [all, wineOnly, onlyU012], expected);

        // Night 2 run again: the same outbox rows, nothing queued or sent again.
        var outbox = await OutboxAsync(host, [all, wineOnly, onlyU012]);
        var requests = receiver.Requests.Values.Sum();
        await host.RunNightAsync(Night2);
        await WebhookDelivery.WaitUntilSettledAsync(host, [all, wineOnly, onlyU012], TimeSpan.FromSeconds(60)); // The run enqueues before it completes.
        Assert.Equal(outbox, await OutboxAsync(host, [all, wineOnly, onlyU012]));
        Assert.Equal(requests, receiver.Requests.Values.Sum());
        var u012 = (await host.Tables.Topics.GetEntityAsync<TableEntity>(Storage.Shards.KeyOf("u012", 8), "topics|u012")).Value;
        Assert.Equal("2026-11-26", u012.GetString("PrevDay"));
        Assert.Contains("vodka", u012.GetString("PrevSeen"), StringComparison.Ordinal);

        // Night 3: u010's wine posts are edited away: wine is lost (and the wine-only endpoint hears it too).
        await PutPostsAsync(host, "p3", new
        {
            posts = new[]
            {
                TopicPosts.Post("u010", Night2, "wine1", "Dinner with friends tonight", reactions: 30),
                TopicPosts.Post("u010", Night2, "wine2", "Long walk after dinner", reactions: 20),
            },
        });
        await host.RunNightAsync(Night3);
        expected[Id(Night3, "u010", WebhookEventType.TopicLost.Name(), all)] = (WebhookEventType.TopicLost.Name(), "u010", ["wine"]);
        expected[Id(Night3, "u010", WebhookEventType.TopicLost.Name(), wineOnly)] = (WebhookEventType.TopicLost.Name(), "u010", ["wine"]);
        await AssertDeliveredExactlyAsync(host, receiver, [all, wineOnly, onlyU012], expected);
        Assert.All(receiver.AcceptedCount.Values, n => Assert.Equal(1, n));
    }

    private static async Task AssertDeliveredExactlyAsync(TestHost host, WebhookReceiver receiver, string[] endpointIds, Dictionary<string, (string Type, string User, string[] Topics)> expected)
    {
        await WaitUntilAsync(() => expected.Keys.All(receiver.Accepted.ContainsKey), TimeSpan.FromSeconds(60), () => $"{receiver.Accepted.Count}/{expected.Count}: {string.Join(" ", receiver.Accepted.Values)}");
        await WebhookDelivery.WaitUntilSettledAsync(host, endpointIds, TimeSpan.FromSeconds(60)); // Anything unexpected that was queued has been sent by now.
        Assert.True(expected.Keys.Order(StringComparer.Ordinal).SequenceEqual(receiver.Accepted.Keys.Order(StringComparer.Ordinal)), "unexpected events: " + string.Join("\n", receiver.Accepted.Where(a => !expected.ContainsKey(a.Key)).Select(a => a.Value)));
        foreach (var (id, (type, user, topics)) in expected)
        {
            var body = JsonDocument.Parse(receiver.Accepted[id]).RootElement;
            Assert.Equal(type, body.GetProperty("type").GetString());
            var data = body.GetProperty("data");
            Assert.Equal(user, data.GetProperty("userId").GetString());
            var sent = data.GetProperty("topics").EnumerateArray().ToList();
            Assert.Equal(topics, sent.Select(t => t.GetProperty("topic").GetString()));
            Assert.All(sent, t => Assert.InRange(t.GetProperty("strength").GetDouble(), 0.01, 1));
        }
    }

    /// <summary>
    /// While armed, fails the first writes of score and topic events to the outbox ("webhookevents" upserts and
    /// transactions), as a process dying at the start of the shard pass's event step would.
    /// </summary>
    private sealed class CrashBeforeTheOutbox : HttpPipelinePolicy
    {
        private const int Crashes = 3;
        private int crashed;

        public bool Armed { get; set; }

        public int Crashed => Volatile.Read(ref crashed);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Check(message);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Check(message);
            return ProcessNextAsync(message, pipeline);
        }

        private void Check(HttpMessage message)
        {
            if (Armed && WritesOutboxEvents(message.Request) && Interlocked.Increment(ref crashed) <= Crashes)
            {
                throw new InvalidOperationException("Simulated crash of a shard pass before its events were written.");
            }
        }

        private static bool WritesOutboxEvents(Request request)
        {
            var path = request.Uri.Path;
            if (path.Contains("webhookevents(", StringComparison.Ordinal) && request.Method != RequestMethod.Get && request.Method != RequestMethod.Delete)
            {
                return true;
            }

            if (!path.EndsWith("$batch", StringComparison.Ordinal) || request.Content is null)
            {
                return false;
            }

            using var body = new MemoryStream();
            request.Content.WriteTo(body, CancellationToken.None);
            return System.Text.Encoding.UTF8.GetString(body.ToArray()).Contains("webhookevents(", StringComparison.Ordinal);
        }
    }

    private static string Id(DateOnly night, string userId, string type, string endpointId) => WebhookEventIds.For(night, userId, type, endpointId);

    private static async Task PutPostsAsync(TestHost host, string batchId, object batch)
    {
        using var response = await host.PutMembersPostsAsync(batchId, batch);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task HideAsync(TestHost host, string userId, string topicId)
    {
        using var response = await host.Http.SendAsync(TestTokens.As(userId, HttpMethod.Put, $"/api/v1/users/{userId}/topics/{topicId}/hidden"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> RegisterAsync(TestHost host, WebhookReceiver receiver, string[]? topics, string[]? userIds)
    {
        using var response = await host.Http.PostAsJsonAsync("/api/v1/webhooks/endpoints", new
        {
            url = receiver.Url,
            eventTypes = new[] { WebhookEventType.TopicGained.Name(), WebhookEventType.TopicLost.Name() },
            filters = new { topics, userIds },
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var created = JsonDocument.Parse(text).RootElement;
        receiver.Secrets.Add(created.GetProperty("secret").GetString()!);
        return created.GetProperty("endpoint").GetProperty("id").GetString()!;
    }

    private static async Task<List<string>> OutboxAsync(TestHost host, string[] endpointIds)
    {
        var rows = new List<string>();
        foreach (var endpointId in endpointIds)
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {endpointId} and RowKey ge {"evt_"} and RowKey lt {"evt`"}");
            await foreach (var row in host.Services.GetRequiredService<WebhookStore>().Events.QueryAsync<TableEntity>(filter))
            {
                rows.Add($"{row.PartitionKey}|{row.RowKey}|{row.GetString("Type")}|{row.GetString("Payload")}|{row.GetDateTimeOffset("EnqueuedUtc")}");
            }
        }

        return rows;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting: " + (describe?.Invoke() ?? "condition"));
            await Task.Delay(50);
        }
    }
}
