using System.IO.Compression;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using System.Text;
using Azure.Core.Pipeline;
using Azure.Core;
using Azure.Data.Tables;
using InfluenceFunctions.Api.Webhooks;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Domain;
using InfluenceFunctions.IntegrationTests.Webhooks;
using InfluenceFunctions.Storage.Webhooks;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.IntegrationTests.Accounts;

/// <summary>Erasure: every table, leaderboards, partners told, never back, and a resume after a failure halfway.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ErasureTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Night = new(2026, 11, 27);
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, string?> Settings()
    {
        var settings = TestTokens.Settings;
        settings["Privacy:ErasureSettleSeconds"] = "1";
        settings["Webhooks:AllowedHttpHosts:0"] = "127.0.0.1";
        settings["Webhooks:RetryBaseDelay"] = "00:00:00.050";
        settings["Webhooks:Timeout"] = "00:00:05";
        settings["Webhooks:PollInterval"] = "00:00:00.050";
        settings["LocalHost:RunWebhooks"] = "true";
        return settings;
    }

    [Fact]
    public async Task ShouldEraseEveryRowThatNamesThePersonTellPartnersAndNeverScoreThemAgain()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await TestHost.StartAsync(azurite, Now, Settings());
        using (var register = await host.Http.PostAsJsonAsync("/api/v1/webhooks/endpoints", new { url = receiver.Url, eventTypes = new[] { WebhookEventType.ScoreChanged.Name(), WebhookEventType.UserErased.Name() }, filters = new { userIds = new[] { "u010", "u011" } } }))
        {
            Assert.Equal(HttpStatusCode.Created, register.StatusCode);
            receiver.Secrets.Add((await register.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!);
        }

        // u010 has signals, posts and topics, a leaderboard place, a hidden topic, +K given and received, a claimed
        // account, score history over two nights, score.changed events, and a place in the shadow report's movers.
        await TopicsTests.SeedAsync(host);
        await AccountTests.SendAsync(host, "u010", HttpMethod.Post, "/api/v1/users/u010/account/connections", HttpStatusCode.Created, new { network = "facebook", account = "u010.fb" });
        await AccountTests.SendAsync(host, "u010", HttpMethod.Put, "/api/v1/users/u010/topics/sushi/hidden", HttpStatusCode.OK);
        await host.RunNightAsync(Night.AddDays(-1));
        await AccountTests.SendAsync(host, "u011", HttpMethod.Post, "/api/v1/users/u011/plusk", HttpStatusCode.OK, new { receiver = "u010", topic = "minnesota-twins" });
        await AccountTests.SendAsync(host, "u010", HttpMethod.Post, "/api/v1/users/u010/plusk", HttpStatusCode.OK, new { receiver = "u011", topic = "parenting" });
        await host.RunNightAsync(Night);
        Assert.Contains((await host.GetJsonAsync("/api/v1/topics/minnesota-twins/leaders")).GetProperty("leaders").EnumerateArray(), l => l.GetProperty("userId").GetString() == "u010");
        Assert.NotEmpty(await ScanAsync(host, "u010")); // The scan sees the person before.

        var accepted = await AccountTests.SendAsync(host, "u010", HttpMethod.Delete, "/api/v1/users/u010/account", HttpStatusCode.Accepted);
        Assert.Equal("erasing", accepted.GetProperty("status").GetString());
        await AccountTests.SendAsync(host, "u010", HttpMethod.Delete, "/api/v1/users/u010/account", HttpStatusCode.Accepted); // A repeat is the same erasure.
        await WaitUntilAsync(async () => (await AccountTests.SendAsync(host, "u010", HttpMethod.Get, "/api/v1/users/u010/account/erasure", HttpStatusCode.OK)).GetProperty("status").GetString() == "erased");

        // Partners subscribed to the person heard, once, and that event then stops naming them too.
        await WaitUntilAsync(() => Task.FromResult(receiver.Accepted.Values.Any(p => p.Contains("\"user.erased\"", StringComparison.Ordinal))));
        var erased = JsonDocument.Parse(receiver.Accepted.Values.Single(p => p.Contains("\"user.erased\"", StringComparison.Ordinal))).RootElement;
        Assert.Equal("u010", erased.GetProperty("data").GetProperty("userId").GetString());
        var left = await ScanAsync(host, "u010");
        for (var wait = 0; wait < 100 && left.Count > 0; wait++)
        {
            await Task.Delay(200); // The user.erased event is redacted once its delivery is recorded.
            left = await ScanAsync(host, "u010");
        }

        Assert.Empty(left);

        Assert.DoesNotContain((await host.GetJsonAsync("/api/v1/topics/minnesota-twins/leaders")).GetProperty("leaders").EnumerateArray(), l => l.GetProperty("userId").GetString() == "u010");
        using (var lookup = await host.Http.GetAsync("/api/v1/users/u010/score"))
        {
            Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
        }

        // A late batch and the next nights bring nothing back; the erasure again is a no-op.
        using (var late = await host.PutBatchAsync("late", SmallPopulation.Batch(12, Night.AddDays(1), 2)))
        {
            Assert.True((await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ignoredSignals").GetInt32() >= 2);
        }

        host.Clock.Now = Now.AddDays(2);
        await host.RunNightAsync(Night.AddDays(1));
        await host.RunNightAsync(Night.AddDays(2));
        Assert.Empty(await ScanAsync(host, "u010"));
        var again = await AccountTests.SendAsync(host, "u010", HttpMethod.Delete, "/api/v1/users/u010/account", HttpStatusCode.Accepted);
        Assert.Equal("erased", again.GetProperty("status").GetString());
        Assert.Single(receiver.Accepted.Values, p => p.Contains("\"user.erased\"", StringComparison.Ordinal));
        Assert.NotEmpty(await ScanAsync(host, "u011")); // Only u010 went.
    }

    [Fact]
    public async Task ShouldResumeAnErasureThatFailedHalfway()
    {
        var fault = new FailFirstScoreDelete();
        await using var host = await TestHost.StartAsync(azurite, Now, Settings(), services => services.AddSingleton<HttpPipelinePolicy>(fault));
        using (await host.PutMembersBatchAsync("seed", SmallPopulation.Batch(10, Night, 30)))
        {
        }

        await host.RunNightAsync(Night);
        await AccountTests.SendAsync(host, "u003", HttpMethod.Delete, "/api/v1/users/u003/account", HttpStatusCode.Accepted);
        await WaitUntilAsync(async () => (await AccountTests.SendAsync(host, "u003", HttpMethod.Get, "/api/v1/users/u003/account/erasure", HttpStatusCode.OK)).GetProperty("status").GetString() == "erased");
        Assert.Equal(1, fault.Failures); // The first sweep died after deleting the signals row, before the score row; the retry finished.
        Assert.Empty(await ScanAsync(host, "u003"));
    }

    /// <summary>Every row of every table of this test's prefix holding <paramref name="userId"/> anywhere: keys, strings, or binary (raw or gzip).</summary>
    private static async Task<List<string>> ScanAsync(TestHost host, string userId)
    {
        var prefix = host.Services.GetRequiredService<IOptions<InfluenceOptions>>().Value.TablePrefix;
        var service = host.Services.GetRequiredService<StorageClientFactory>().TableService;
        var found = new List<string>();
        await foreach (var table in service.QueryAsync(TableClient.CreateQueryFilter($"TableName ge {prefix} and TableName lt {prefix + "~"}")))
        {
            await foreach (var row in service.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                foreach (var (name, value) in row)
                {
                    var text = value switch
                    {
                        string s => s,
                        byte[] bytes => Encoding.UTF8.GetString(bytes) + Gunzip(bytes),
                        _ => string.Empty,
                    };
                    if (text.Contains(userId, StringComparison.Ordinal))
                    {
                        found.Add($"{table.Name}/{row.PartitionKey}/{row.RowKey}.{name}");
                    }
                }
            }
        }

        return found;
    }

    private static string Gunzip(byte[] bytes)
    {
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b)
        {
            return string.Empty;
        }

        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string? what = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(200);
        }
    }

    /// <summary>Fails the first delete of a "scores" row, as a crash halfway through the sweep would.</summary>
    private sealed class FailFirstScoreDelete : HttpPipelinePolicy
    {
        private int failures;

        public int Failures => failures;

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
            var path = message.Request.Uri.Path;
            if (message.Request.Method == RequestMethod.Delete && path.Contains("scores(", StringComparison.Ordinal) && !path.Contains("shadowscores(", StringComparison.Ordinal)
                && Interlocked.CompareExchange(ref failures, 1, 0) == 0)
            {
                throw new InvalidOperationException("Injected: the process died halfway through the erasure.");
            }
        }
    }
}
