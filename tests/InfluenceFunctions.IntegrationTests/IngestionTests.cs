using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.IntegrationTests;

[Collection(AzuriteCollection.Name)]
public sealed class IngestionTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Today = new(2026, 11, 28);
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string> BadBatches => new()
    {
        { """{"signals":[{"userId":"a/b","network":"twitter","day":"2026-11-27","posts":1}]}""", "signals[0].userId" },
        { """{"signals":[{"userId":"","network":"twitter","day":"2026-11-27","posts":1}]}""", "signals[0].userId" },
        { "{\"signals\":[{\"userId\":\"" + new string('x', 129) + "\",\"network\":\"twitter\",\"day\":\"2026-11-27\",\"posts\":1}]}", "signals[0].userId" },
        { """{"signals":[{"userId":"a\u0001","network":"twitter","day":"2026-11-27","posts":1}]}""", "signals[0].userId" },
        { """{"signals":[{"userId":"a#1","network":"twitter","day":"2026-11-27","posts":1}]}""", "signals[0].userId" },
        { """{"signals":[{"userId":"alice","network":"myspace","day":"2026-11-27","posts":1}]}""", "signals[0].network" },
        { """{"signals":[{"userId":"alice","network":"twitter","day":"2026-11-27","posts":-1}]}""", "signals[0].posts" },
        { """{"signals":[{"userId":"alice","network":"twitter","day":"2026-11-27","reshares":1e300,"posts":1e13}]}""", "signals[0].posts" },
        { """{"signals":[{"userId":"alice","network":"twitter","day":"2026-13-01","posts":1}]}""", "signals[0].day" },
        { """{"signals":[{"userId":"alice","network":"twitter","day":"2026-11-29","posts":1}]}""", "signals[0].day" },
        { """{"signals":[{"userId":"alice","network":"twitter","day":"2026-11-27","posts":"NaN"}]}""", "signals[0].posts" },
        { """{"signals":[{"userId":"alice","network":"twitter","day":"2026-11-27","posts":1,"followers":3}]}""", "signals[0].followers" },
        { """{"signals":[{"userId":"alice","network":"tiktok","day":"2026-11-27","posts":1,"listMemberships":4}]}""", "signals[0].listMemberships" },
        { """{"signals":[{"userId":"alice","network":"instagram","day":"2026-11-27","posts":1,"reshares":0}]}""", "signals[0].reshares" },
        { """{"signals":[{"userId":"alice","network":"youtube","day":"2026-11-27","views":900,"mentionsReceived":2}]}""", "signals[0].mentionsReceived" },
        { """{"signals":[{"userId":"alice","network":"mastodon","day":"2026-11-27","posts":1,"views":30}]}""", "signals[0].views" },
        { """{"signals":[{"userId":"alice","network":"twitter","day":"2026-11-27","posts":1,"subscribers":3}]}""", "signals[0].subscribers" },
        { """{"engagements":[{"from":"bob","to":"bob","day":"2026-11-27","count":1}]}""", "engagements[0]" },
        { """{"engagements":[{"from":"bob","to":"alice","day":"2026-11-27"}]}""", "engagements[0].count" },
        { """{"signals":[{"userId":"alice","network":"twitter","day":"2026-11-27","posts":1}""", "*" },
        { """{}""", "body" },
    };

    [Theory]
    [MemberData(nameof(BadBatches))]
    public async Task ShouldRejectABadBatchNamingTheFieldAndWriteNothing(string body, string field)
    {
        await using var host = await TestHost.StartAsync(azurite, Now);
        // A good item first: a rejected batch must not write it either.
        var withGoodItem = body.Replace("{\"signals\":[", "{\"signals\":[{\"userId\":\"good\",\"network\":\"twitter\",\"day\":\"2026-11-27\",\"posts\":1},", StringComparison.Ordinal)
            .Replace("[0]", "[1]", StringComparison.Ordinal);
        var wholeBody = field is "body" or "*";
        var payload = wholeBody ? body : withGoodItem;
        var expectedField = payload == body ? field : field.Replace("[0]", "[1]", StringComparison.Ordinal);

        using var response = await host.Http.SendAsync(host.Admin(HttpMethod.Put, "/api/v1/ingest/batches/b1", new StringContent(payload, Encoding.UTF8, "application/json")));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(expectedField == "*" ? errors.EnumerateObject().Any() : errors.TryGetProperty(expectedField, out _), $"expected an error for {expectedField}: {text}");
        Assert.Empty(await RowsAsync(host.Tables.Signals));
        Assert.Empty(await RowsAsync(host.Tables.IngestBatches));
    }

    [Fact]
    public async Task ShouldRejectABadBatchId()
    {
        await using var host = await TestHost.StartAsync(azurite, Now);
        using var response = await host.PutBatchAsync("bad%23id", SmallPopulation.Batch(1, Today, 1));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ShouldRequireTheAdminKey()
    {
        await using var host = await TestHost.StartAsync(azurite, Now);
        using var response = await host.Http.PutAsJsonAsync("/api/v1/ingest/batches/b1", SmallPopulation.Batch(1, Today, 1));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await RowsAsync(host.Tables.Signals));
    }

    [Fact]
    public async Task ShouldApplyABatchOnceAndRefuseTheSameIdWithAnotherBody()
    {
        await using var host = await TestHost.StartAsync(azurite, Now);
        var batch = SmallPopulation.Batch(5, Today.AddDays(-1), 3);
        using var first = await host.PutMembersBatchAsync("batch-1", batch);
        Assert.Equal("applied", (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var afterFirst = await RowsAsync(host.Tables.Signals);

        using var again = await host.PutMembersBatchAsync("batch-1", batch);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("already-applied", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        using var conflicting = await host.PutBatchAsync("batch-1", SmallPopulation.Batch(6, Today.AddDays(-1), 3)); // Refused before anything: no one is enrolled either.
        Assert.Equal(HttpStatusCode.Conflict, conflicting.StatusCode);

        // The same data under a new id sets the same values: nothing doubles.
        using var replay = await host.PutMembersBatchAsync("batch-2", batch);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(afterFirst, await RowsAsync(host.Tables.Signals));
        Assert.Equal(5, afterFirst.Count);
    }

    private static async Task<List<string>> RowsAsync(TableClient table)
    {
        var rows = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            rows.Add(row.PartitionKey + "|" + row.RowKey + "|" + string.Join(';', row.Where(c => c.Key is not ("Timestamp" or "odata.etag"))
                .OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={(c.Value is byte[] b ? Convert.ToBase64String(b) : c.Value)}")));
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}
