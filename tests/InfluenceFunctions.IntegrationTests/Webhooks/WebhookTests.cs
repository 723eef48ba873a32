using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Webhooks;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Webhooks;
using InfluenceFunctions.Workflows.Webhooks;

namespace InfluenceFunctions.IntegrationTests.Webhooks;

[Collection(AzuriteCollection.Name)]
public sealed class WebhookTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Night = new(2026, 11, 27);
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Loopback allowed (development only), and a schedule of milliseconds instead of days. The delivery timeout stays
    /// generous (5 s): on a loaded machine a healthy answer must never count as a timeout (the receiver's timeout
    /// answer holds until the sender gives up, so it costs one timeout, not a fixed sleep).
    /// </summary>
    private static Dictionary<string, string?> Fast(int maxAttempts = 8) => new()
    {
        ["Webhooks:AllowedHttpHosts:0"] = "127.0.0.1",
        ["Webhooks:RetryBaseDelay"] = "00:00:00.050",
        ["Webhooks:RetryMaxDelay"] = "00:00:01",
        ["Webhooks:Timeout"] = "00:00:05",
        ["Webhooks:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Webhooks:PollInterval"] = "00:00:00.050",
        ["LocalHost:RunWebhooks"] = "true",
    };

    [Fact]
    public async Task ShouldDeliverEveryEventOnceThroughEveryKindOfReceiverFailure()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await TestHost.StartAsync(azurite, Now, Fast());
        var (endpointId, secret) = await RegisterAsync(host, receiver.Url, [WebhookEventType.ScoreChanged.Name()]);
        receiver.Secrets.Add(secret);

        // Each event fails its own way first: 500 twice, a timeout, a dropped connection, 429 with Retry-After; some never
        // fail. The way is fixed by the event's index (not a per-process string hash), so every kind is always present.
        var ways = new[] { Answer.Ok, Answer.ServerError, Answer.Timeout, Answer.Drop, Answer.TooManyRequests };
        var wayOf = Enumerable.Range(0, 40).ToDictionary(i => WebhookEventIds.For(Night, $"user{i}", WebhookEventType.ScoreChanged.Name(), endpointId), i => ways[i % ways.Length], StringComparer.Ordinal);
        receiver.Plan = (id, attempt) => wayOf[id] switch
        {
            Answer.ServerError when attempt <= 2 => Answer.ServerError,
            var way when attempt == 1 => way,
            _ => Answer.Ok,
        };

        var ids = await WriteSyntheticEventsAsync(host, endpointId, 40);
        Assert.Equal(wayOf.Keys.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));

        // Done means done in storage too: the receiver has every event and the sender has recorded every delivery (the
        // state and the attempt row are one transaction, written after the receiver answered). Generous deadlines: a
        // loaded machine only makes this slower, never different.
        var store = host.Services.GetRequiredService<WebhookStore>();
        await WaitUntilAsync(() => ids.All(receiver.Accepted.ContainsKey), TimeSpan.FromMinutes(3), () => $"{receiver.Accepted.Count}/{ids.Count} accepted");
        await WaitUntilAsync(
            async () => (await Task.WhenAll(ids.Select(id => store.GetEventAsync(endpointId, id, CancellationToken.None)))).All(e => e!.DeliveryState == WebhookEventState.Delivered),
            TimeSpan.FromMinutes(1),
            () => "every event row delivered");

        Assert.Empty(receiver.BadSignatures);
        Assert.Equal(ids.Order(), receiver.Accepted.Keys.Order());
        Assert.True(receiver.Requests.Values.Sum() > ids.Count, "some first attempts failed and were retried");

        // The attempt log over the API: one row per request the receiver saw, one delivered row per event (with its
        // latency), and every failure kind there with status and error. Read until it holds (a batch is one transaction,
        // but the emulator may serve a query between its operations), then checked row by row.
        List<JsonElement> attempts = [];
        await WaitUntilAsync(
            async () =>
            {
                attempts = (await host.GetJsonAsync($"/api/v1/webhooks/endpoints/{endpointId}/attempts?limit=1000")).GetProperty("attempts").EnumerateArray().ToList();
                return attempts.Count == receiver.Requests.Values.Sum() && ids.All(id => attempts.Count(a => a.GetProperty("eventId").GetString() == id && a.GetProperty("outcome").GetString() == "delivered") == 1);
            },
            TimeSpan.FromSeconds(30),
            () => DescribeAttempts(ids, attempts, receiver));
        Assert.Contains(attempts, a => a.GetProperty("statusCode").ValueKind == JsonValueKind.Number && a.GetProperty("statusCode").GetInt32() == 500);
        Assert.Contains(attempts, a => a.GetProperty("statusCode").ValueKind == JsonValueKind.Number && a.GetProperty("statusCode").GetInt32() == 429);
        Assert.Contains(attempts, a => a.GetProperty("error").GetString()?.Contains("Timed out", StringComparison.Ordinal) == true);
        Assert.Contains(attempts, a => a.GetProperty("statusCode").ValueKind == JsonValueKind.Null && a.GetProperty("outcome").GetString() == "retrying"
            && a.GetProperty("error").GetString()?.Contains("Timed out", StringComparison.Ordinal) == false);
        var unmeasured = attempts.Where(a => a.GetProperty("outcome").GetString() == "delivered" && !(a.GetProperty("latencyMs").GetDouble() > 0)).ToList();
        Assert.True(unmeasured.Count == 0, $"{unmeasured.Count} delivered attempts without a latency: {string.Join("; ", unmeasured)}\nStored attempt rows:\n{await DescribeStoredAttemptsAsync(store, endpointId)}");
    }

    /// <summary>The endpoint's attempt rows as stored (every column with its stored type), for a failure message.</summary>
    private static async Task<string> DescribeStoredAttemptsAsync(WebhookStore store, string endpointId)
    {
        var rows = new StringBuilder();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {endpointId} and RowKey ge {WebhookAttemptEntity.Prefix} and RowKey lt {"att`"}");
        await foreach (var row in store.Events.QueryAsync<TableEntity>(filter))
        {
            rows.AppendLine(string.Join(" ", row.Where(c => c.Key is not ("PartitionKey" or "odata.etag")).Select(c => $"{c.Key}={c.Value} ({c.Value?.GetType().Name})")));
        }

        return rows.ToString();
    }

    /// <summary>Per event: the receiver's request count and the attempt rows (attempt, outcome, status, error), for a failure message.</summary>
    private static string DescribeAttempts(IEnumerable<string> ids, List<JsonElement> attempts, WebhookReceiver receiver) =>
        $"{attempts.Count} attempt rows, {receiver.Requests.Values.Sum()} requests received:\n" + string.Join("\n", ids.Select(id =>
            $"{id}: {receiver.Requests.GetValueOrDefault(id)} requests; " + string.Join(", ", attempts.Where(a => a.GetProperty("eventId").GetString() == id)
                .Select(a => $"#{a.GetProperty("attempt").GetInt32()} {a.GetProperty("outcome").GetString()} {a.GetProperty("statusCode")} {a.GetProperty("error")}"))));

    [Fact]
    public async Task ShouldEmitNightlyEventsOnceAndNotAgainWhenTheNightRunsAgain()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await TestHost.StartAsync(azurite, Now, Fast());
        var (endpointId, secret) = await RegisterAsync(host, receiver.Url, [WebhookEventType.ScoreChanged.Name(), WebhookEventType.ScoreMilestone.Name(), WebhookEventType.RecalculationCompleted.Name()], minScoreChange: 1);
        receiver.Secrets.Add(secret);
        await host.PutMembersBatchAsync("seed", SmallPopulation.Batch(30, Night, 30));
        await host.PutMembersBatchAsync("late", SmallPopulation.Batch(10, Night, 3, firstUser: 40)); // New accounts: their scores move a lot.
        await host.RunNightAsync(Night.AddDays(-1));
        await host.PutMembersBatchAsync("boost", Boost(Night, 5));
        await host.RunNightAsync(Night);

        // What should have been sent, from the score rows themselves.
        var expected = new HashSet<string>(StringComparer.Ordinal) { WebhookEventIds.For(Night.AddDays(-1), "run", WebhookEventType.RecalculationCompleted.Name(), endpointId), WebhookEventIds.For(Night, "run", WebhookEventType.RecalculationCompleted.Name(), endpointId) };
        await foreach (var row in host.Tables.Scores.QueryAsync<Storage.ScoreEntity>())
        {
            if (row.Current.Score is { } score && row.PrevDay.Length > 0 && row.Previous.Score is { } previous && score != previous)
            {
                expected.Add(WebhookEventIds.For(Night, row.RowKey, WebhookEventType.ScoreChanged.Name(), endpointId));
                if (WebhookEventTypes.Crossed(previous, score).Count > 0)
                {
                    expected.Add(WebhookEventIds.For(Night, row.RowKey, WebhookEventType.ScoreMilestone.Name(), endpointId));
                }
            }
        }

        Assert.True(expected.Count > 5, $"the test population should move: {expected.Count} events");
        await WaitUntilAsync(() => expected.All(receiver.Accepted.ContainsKey), TimeSpan.FromSeconds(60), () => $"{receiver.Accepted.Count}/{expected.Count}");
        await WebhookDelivery.WaitUntilSettledAsync(host, [endpointId], TimeSpan.FromSeconds(60)); // Anything else queued has been sent by now.
        Assert.Equal(expected.Order(), receiver.Accepted.Keys.Order());
        var changed = JsonDocument.Parse(receiver.Accepted[expected.First(id => receiver.Accepted[id].Contains("score.changed", StringComparison.Ordinal))]).RootElement;
        Assert.Equal("score.changed", changed.GetProperty("type").GetString());
        Assert.Equal(changed.GetProperty("data").GetProperty("score").GetInt32() - changed.GetProperty("data").GetProperty("previousScore").GetInt32(), changed.GetProperty("data").GetProperty("change").GetInt32());
        var outbox = await OutboxAsync(host, endpointId);
        var requests = receiver.Requests.Values.Sum();

        // The whole night again: the same outbox rows, nothing queued twice, nothing sent again.
        await host.RunNightAsync(Night);
        await WebhookDelivery.WaitUntilSettledAsync(host, [endpointId], TimeSpan.FromSeconds(60)); // The run enqueues before it completes.
        Assert.Equal(outbox, await OutboxAsync(host, endpointId));
        Assert.Equal(requests, receiver.Requests.Values.Sum());
        Assert.All(receiver.AcceptedCount.Values, n => Assert.Equal(1, n));
        var properties = await host.Services.GetRequiredService<WebhookStore>().Queue.GetPropertiesAsync();
        Assert.Equal(0, properties.Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task ShouldDisableOn410HoldEventsAndDeliverThemOnResume()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await TestHost.StartAsync(azurite, Now, Fast());
        var (endpointId, secret) = await RegisterAsync(host, receiver.Url, [WebhookEventType.ScoreChanged.Name()]);
        receiver.Secrets.Add(secret);
        var gone = true;
        receiver.Plan = (_, _) => gone ? Answer.Gone : Answer.Ok;

        var ids = await WriteSyntheticEventsAsync(host, endpointId, 5);
        await WaitUntilAsync(async () => (await host.GetJsonAsync($"/api/v1/webhooks/endpoints/{endpointId}")).GetProperty("status").GetString() == "disabled", TimeSpan.FromSeconds(30));
        var store = host.Services.GetRequiredService<WebhookStore>();
        await WaitUntilAsync(async () => (await Task.WhenAll(ids.Select(id => store.GetEventAsync(endpointId, id, CancellationToken.None)))).All(e => e!.DeliveryState == WebhookEventState.Held), TimeSpan.FromSeconds(30));
        Assert.Empty(receiver.Accepted);

        gone = false;
        using var resume = await host.Http.PostAsync($"/api/v1/webhooks/endpoints/{endpointId}/resume", null);
        Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        Assert.Equal(5, (await resume.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("heldEventsQueued").GetInt32());
        await WaitUntilAsync(() => ids.All(receiver.Accepted.ContainsKey), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ShouldPoisonAfterTheLastAttemptMarkTheEndpointFailingAndReplayByHand()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await TestHost.StartAsync(azurite, Now, Fast(maxAttempts: 3));
        var (endpointId, secret) = await RegisterAsync(host, receiver.Url, [WebhookEventType.ScoreChanged.Name()]);
        receiver.Secrets.Add(secret);
        var failing = true;
        receiver.Plan = (_, _) => failing ? Answer.ServerError : Answer.Ok;

        var id = (await WriteSyntheticEventsAsync(host, endpointId, 1)).Single();
        await WaitUntilAsync(async () => (await host.GetJsonAsync($"/api/v1/webhooks/endpoints/{endpointId}")).GetProperty("status").GetString() == "failing", TimeSpan.FromSeconds(30));
        var store = host.Services.GetRequiredService<WebhookStore>();
        Assert.Equal(WebhookEventState.Failed, (await store.GetEventAsync(endpointId, id, CancellationToken.None))!.DeliveryState);
        Assert.Equal(3, receiver.Requests[id]);
        var poisoned = (await store.PoisonQueue.PeekMessagesAsync(10)).Value;
        Assert.Contains(poisoned, m => m.MessageText.Contains(id, StringComparison.Ordinal));
        var attempts = (await host.GetJsonAsync($"/api/v1/webhooks/endpoints/{endpointId}/attempts")).GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(3, attempts.Count);
        Assert.Single(attempts, a => a.GetProperty("outcome").GetString() == "failed");

        failing = false;
        using var replay = await host.Http.PostAsync($"/api/v1/webhooks/endpoints/{endpointId}/events/{id}/replay", null);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        await WaitUntilAsync(() => receiver.Accepted.ContainsKey(id), TimeSpan.FromSeconds(30));
        await WaitUntilAsync(async () => (await host.GetJsonAsync($"/api/v1/webhooks/endpoints/{endpointId}")).GetProperty("status").GetString() == "active", TimeSpan.FromSeconds(30));

        using var unknown = await host.Http.PostAsync($"/api/v1/webhooks/endpoints/{endpointId}/events/evt_20261127_{new string('0', 32)}/replay", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task ShouldSignWithBothSecretsDuringARotation()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await TestHost.StartAsync(azurite, Now, Fast());
        var (endpointId, oldSecret) = await RegisterAsync(host, receiver.Url, [WebhookEventType.ScoreChanged.Name()]);
        using var rotate = await host.Http.PostAsync($"/api/v1/webhooks/endpoints/{endpointId}/rotate-secret", null);
        var rotated = await rotate.Content.ReadFromJsonAsync<JsonElement>();
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);
        Assert.Equal(Now.AddHours(24), rotated.GetProperty("endpoint").GetProperty("previousSecretExpiresUtc").GetDateTimeOffset());

        receiver.Secrets.Add(oldSecret); // A receiver that has not switched yet still verifies.
        var id = (await WriteSyntheticEventsAsync(host, endpointId, 1)).Single();
        await WaitUntilAsync(() => receiver.Accepted.ContainsKey(id), TimeSpan.FromSeconds(30));
        var header = receiver.SignatureHeaders.Single();
        Assert.Equal(2, header.Split(' ').Length);

        // After the overlap only the new secret signs: the receiver, still on the old secret alone, refuses the first
        // request, and switches to the new secret as it refuses it (not from this thread: on a loaded machine the event's
        // few fast retries could all run out before this thread woke up). The next attempt is then accepted.
        host.Clock.Now = Now.AddHours(25);
        receiver.OnBadSignature = _ => receiver.Secrets.Add(newSecret);
        var later = (await WriteSyntheticEventsAsync(host, endpointId, 1, "later")).Single();
        await WaitUntilAsync(() => receiver.Accepted.ContainsKey(later), TimeSpan.FromSeconds(60), () => $"{receiver.SignatureHeaders.Count} requests, {receiver.BadSignatures.Count} refused");
        Assert.Equal([later], receiver.BadSignatures);
        Assert.Equal(2, receiver.Requests[later]);
    }

    [Fact]
    public async Task ShouldManageEndpointsAndRefuseBadInputWritingNothing()
    {
        await using var host = await TestHost.StartAsync(azurite, Now, Fast());
        var bad = new (string Body, string Field)[]
        {
            ("{\"url\": \"not a url\", \"eventTypes\": [\"score.changed\"]}", "url"),
            ("{\"url\": \"http://example.com/hook\", \"eventTypes\": [\"score.changed\"]}", "url"),
            ("{\"url\": \"https://example.com/hook\", \"eventTypes\": [\"score.exploded\"]}", "eventTypes"),
            ("{\"url\": \"https://example.com/hook\", \"eventTypes\": []}", "eventTypes"),
            ("{\"url\": \"https://example.com/hook\", \"eventTypes\": [\"score.changed\"], \"filters\": {\"minScoreChange\": 0}}", "filters.minScoreChange"),
            ("{\"url\": \"https://example.com/hook\", \"eventTypes\": [\"score.changed\"], \"filters\": {\"userIds\": [\"a/b\"]}}", "filters.userIds[0]"),
            ("{\"url\": \"https://example.com/hook\", \"eventTypes\": [\"score.changed\"], \"colour\": \"red\"}", "colour"),
            ("{\"url\": \"https://example.com/hook\", \"eventTypes\": \"score.changed\"}", "eventTypes"),
            ("{\"url\": ", "url"),
            ("[]", "body"),
        };
        foreach (var (body, field) in bad)
        {
            using var response = await host.Http.PostAsync("/api/v1/webhooks/endpoints", new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"{body}: {text}");
        }

        foreach (var (url, why) in new[] { ("https://169.254.169.254/latest/meta-data", "cloud metadata"), ("https://10.0.0.5/hook", "private"), ("https://[::1]/hook", "loopback"), ("https://[::ffff:192.168.0.1]/hook", "private"), ("https://localhost/hook", "loopback") })
        {
            using var response = await host.Http.PostAsJsonAsync("/api/v1/webhooks/endpoints", new { url, eventTypes = new[] { "score.changed" } });
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {text}");
            Assert.Contains(why, JsonDocument.Parse(text).RootElement.GetProperty("errors").GetProperty("url")[0].GetString(), StringComparison.Ordinal);
        }

        using (var wrongType = await host.Http.PostAsync("/api/v1/webhooks/endpoints", new StringContent("{}", Encoding.UTF8, "text/plain")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        }

        Assert.Empty((await host.GetJsonAsync("/api/v1/webhooks/endpoints")).GetProperty("endpoints").EnumerateArray());

        using var bare = host.Bare();
        using (var noKey = await bare.GetAsync("/api/v1/webhooks/endpoints"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        }

        var (endpointId, _) = await RegisterAsync(host, "http://127.0.0.1:9/hook", [WebhookEventType.ScoreMilestone.Name(), WebhookEventType.ScoreChanged.Name()], minScoreChange: 3, userIds: ["u001"]);
        var read = await host.GetJsonAsync($"/api/v1/webhooks/endpoints/{endpointId}");
        Assert.Equal(["score.changed", "score.milestone"], read.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3, read.GetProperty("filters").GetProperty("minScoreChange").GetInt32());
        Assert.False(read.TryGetProperty("secret", out _));

        // The stored secret is encrypted, never the whsec_ value.
        var row = (await host.Services.GetRequiredService<WebhookStore>().Endpoints.GetEntityAsync<TableEntity>(await PartnerIdAsync(host, endpointId), endpointId)).Value;
        Assert.False(string.IsNullOrEmpty(row.GetString("Secret")));
        Assert.DoesNotContain(row, c => c.Value is string text && text.Contains("whsec_", StringComparison.Ordinal));

        using (var pause = await host.Http.PostAsync($"/api/v1/webhooks/endpoints/{endpointId}/pause", null))
        {
            Assert.Equal("paused", (await pause.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }

        // Another partner's key sees nothing of it.
        var (_, otherKey) = await host.Services.GetRequiredService<InfluenceFunctions.Storage.Partner.ApiKeyStore>().CreateAsync("other", null, null, CancellationToken.None);
        using (var other = host.Bare())
        {
            other.DefaultRequestHeaders.Add("x-api-key", otherKey);
            using var peek = await other.GetAsync($"/api/v1/webhooks/endpoints/{endpointId}");
            Assert.Equal(HttpStatusCode.NotFound, peek.StatusCode);
        }

        using (var delete = await host.Http.DeleteAsync($"/api/v1/webhooks/endpoints/{endpointId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using var gone = await host.Http.GetAsync($"/api/v1/webhooks/endpoints/{endpointId}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task ShouldAnnounceAModelSwitchWithTheShadowReportOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = Fast();
        settings["Influence:ShadowModelVersion"] = "v1-next";
        await using var host = await TestHost.StartAsync(azurite, Now, settings, services =>
            services.AddSingleton<IScoreModel>(new RenamedModel(ScoreModels.Default.Get("v1"), "v1-next")));
        var (_, secret) = await RegisterAsync(host, receiver.Url, [WebhookEventType.ModelVersionChanged.Name()]);
        receiver.Secrets.Add(secret);

        using (var early = await host.Http.SendAsync(host.Admin(HttpMethod.Post, "/api/v1/manage/models/v1-next/announce")))
        {
            Assert.Equal(HttpStatusCode.NotFound, early.StatusCode); // No shadow report yet.
        }

        await host.PutMembersBatchAsync("seed", SmallPopulation.Batch(10, Night, 30));
        await host.RunNightAsync(Night);
        var body = JsonContent.Create(new { plannedSwitchUtc = "2026-12-01T02:00:00Z", note = "v1-next goes live" });
        using var first = await host.Http.SendAsync(host.Admin(HttpMethod.Post, "/api/v1/manage/models/v1-next/announce", body));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(1, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("endpointsNotified").GetInt32());
        await WaitUntilAsync(() => receiver.Accepted.Count == 1, TimeSpan.FromSeconds(30));
        var payload = JsonDocument.Parse(receiver.Accepted.Values.Single()).RootElement;
        Assert.Equal("model.version.changed", payload.GetProperty("type").GetString());
        Assert.Equal("v1-next", payload.GetProperty("data").GetProperty("nextVersion").GetString());
        Assert.Equal(10, payload.GetProperty("data").GetProperty("shadowReport").GetProperty("scoredByBoth").GetInt32());

        using var again = await host.Http.SendAsync(host.Admin(HttpMethod.Post, "/api/v1/manage/models/v1-next/announce"));
        Assert.Equal(0, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("endpointsNotified").GetInt32());
        using var notAdmin = await host.Http.PostAsync("/api/v1/manage/models/v1-next/announce", null);
        Assert.Equal(HttpStatusCode.Unauthorized, notAdmin.StatusCode);
    }

    private static async Task<(string EndpointId, string Secret)> RegisterAsync(TestHost host, string url, string[] types, int? minScoreChange = null, string[]? userIds = null)
    {
        using var response = await host.Http.PostAsJsonAsync("/api/v1/webhooks/endpoints", new { url, eventTypes = types, filters = new { minScoreChange, userIds } });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var created = JsonDocument.Parse(text).RootElement;
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        return (created.GetProperty("endpoint").GetProperty("id").GetString()!, secret);
    }

    /// <summary>Events written to the outbox and queued as the nightly dispatch does, without a night (so the test picks how many).</summary>
    private static async Task<List<string>> WriteSyntheticEventsAsync(TestHost host, string endpointId, int count, string subjectPrefix = "user")
    {
        var store = host.Services.GetRequiredService<WebhookStore>();
        var outbox = host.Services.GetRequiredService<WebhookOutbox>();
        var partnerId = await PartnerIdAsync(host, endpointId);
        var events = Enumerable.Range(0, count).Select(i => new OutboxEvent(partnerId, endpointId, WebhookEventIds.For(Night, $"{subjectPrefix}{i}", WebhookEventType.ScoreChanged.Name(), endpointId), WebhookEventType.ScoreChanged, $"{subjectPrefix}{i}",
            WebhookOutbox.Payload(WebhookEventType.ScoreChanged, Now, new { userId = $"{subjectPrefix}{i}", score = 50 + (i % 40), previousScore = 40 }))).ToList();
        await outbox.WriteAsync(events, CancellationToken.None);
        var (from, to) = WebhookEventIds.DayRange(Night);
        await outbox.EnqueuePendingAsync(endpointId, from, to, CancellationToken.None);
        return events.Select(e => e.EventId).ToList();
    }

    private static async Task<string> PartnerIdAsync(TestHost host, string endpointId) =>
        (await host.Services.GetRequiredService<WebhookStore>().ListEndpointsAsync(null, CancellationToken.None)).Single(e => e.EndpointId == endpointId).PartnerId;

    private static async Task<List<string>> OutboxAsync(TestHost host, string endpointId)
    {
        var rows = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {endpointId} and RowKey ge {"evt_"} and RowKey lt {"evt`"}");
        await foreach (var row in host.Services.GetRequiredService<WebhookStore>().Events.QueryAsync<TableEntity>(filter))
        {
            rows.Add($"{row.RowKey}|{row.GetString("Type")}|{row.GetString("Payload")}|{row.GetDateTimeOffset("EnqueuedUtc")}");
        }

        return rows;
    }

    /// <summary>Five users with a much bigger day: their scores jump, so the night has changes and milestones.</summary>
    private static object Boost(DateOnly day, int users) => new
    {
        signals = Enumerable.Range(0, users).Select(u => new
        {
            userId = SmallPopulation.UserId(u),
            network = u % 3 == 0 ? "mastodon" : "twitter",
            day = SmallPopulation.Day(day),
            audienceSize = 50_000.0,
            posts = 20,
            reactions = 40_000.0,
            reshares = 8_000.0,
            replies = 3_000.0,
            mentionsReceived = 900.0,
            mentionsSent = 1,
            resharesSent = 1,
            uniqueEngagers = 20_000.0,
        }).ToList(),
        engagements = Array.Empty<object>(),
    };

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string>? describe = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout, describe);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting: " + (describe?.Invoke() ?? "condition"));
            await Task.Delay(50);
        }
    }

    /// <summary>A stand-in next version: the live model under another name.</summary>
    private sealed class RenamedModel(IScoreModel inner, string version) : IScoreModel
    {
        public string Version => version;

        public Calibration DefaultCalibration => new(version, inner.DefaultCalibration.Knots, 0);

        public ScoreResult Score(ScoringInput input, IPopulationScores population, Calibration calibration) =>
            inner.Score(input, population, new Calibration(inner.Version, calibration.Knots, calibration.SampleNights)) with { ModelVersion = version };
    }
}
