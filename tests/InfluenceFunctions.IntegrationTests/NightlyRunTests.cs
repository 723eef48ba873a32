using System.Net;
using Azure.Data.Tables;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace InfluenceFunctions.IntegrationTests;

[Collection(AzuriteCollection.Name)]
public sealed class NightlyRunTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Night = new(2026, 11, 27);
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ShouldScoreIngestedUsersThroughTheDurableRunAndServeThem()
    {
        await using var host = await TestHost.StartAsync(azurite, Now);
        using (var put = await host.PutMembersBatchAsync("seed-1", SmallPopulation.Batch(30, Night, 30)))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        // A user with only two days of data: too little to score.
        using (var sparse = await host.PutMembersBatchAsync("seed-2", SmallPopulation.Batch(1, Night, 2, firstUser: 900)))
        {
            Assert.Equal(HttpStatusCode.OK, sparse.StatusCode);
        }

        var summary = await host.RunNightAsync(Night);
        Assert.Equal(30, summary.UsersScored);
        Assert.Equal(1, summary.UsersUnscored);

        var top = await host.GetJsonAsync("/api/v1/users/u029/score");
        var bottom = await host.GetJsonAsync("/api/v1/users/u000/score");
        Assert.Equal("scored", top.GetProperty("status").GetString());
        Assert.InRange(top.GetProperty("score").GetInt32(), 1, 100);
        Assert.Equal("v1", top.GetProperty("modelVersion").GetString());
        Assert.True(top.GetProperty("score").GetInt32() > bottom.GetProperty("score").GetInt32(), "a user with 30x the engaged audience scores higher");
        Assert.InRange(top.GetProperty("components").GetProperty("reach").GetDouble(), 0, 100);

        var unscored = await host.GetJsonAsync("/api/v1/users/u900/score");
        Assert.Equal("unscored", unscored.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, unscored.GetProperty("score").ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(unscored.GetProperty("reason").GetString()));

        using var missing = await host.Http.GetAsync("/api/v1/users/nobody/score");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);

        var status = await host.GetJsonAsync("/api/v1/manage/runs/2026-11-27?code=" + TestHost.AdminKey);
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.Equal(30, status.GetProperty("record").GetProperty("usersScored").GetInt32());
        Assert.Equal(30, status.GetProperty("progress").GetProperty("usersScored").GetInt32());
    }

    [Fact]
    public async Task ShouldWriteTheSameRowsWhenTheSameNightRunsAgain()
    {
        await using var host = await TestHost.StartAsync(azurite, Now);
        using (await host.PutMembersBatchAsync("seed", SmallPopulation.Batch(20, Night, 30)))
        {
        }

        // Two nights so the second has a "yesterday" and a population to weight engagers with.
        await host.RunNightAsync(Night.AddDays(-1));
        await host.RunNightAsync(Night);
        var first = await SnapshotAsync(host);
        await host.RunNightAsync(Night);
        var second = await SnapshotAsync(host);

        Assert.Equal(20, first.Count(r => r.StartsWith("scores", StringComparison.Ordinal)));
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task ShouldFanOutThroughSubOrchestrationsWhenShardsAreMany()
    {
        await using var host = await TestHost.StartAsync(azurite, Now, new Dictionary<string, string?> { ["Influence:ShardsPerSubOrchestration"] = "3" });
        using (await host.PutMembersBatchAsync("seed", SmallPopulation.Batch(25, Night, 20)))
        {
        }

        var summary = await host.RunNightAsync(Night);
        Assert.Equal(25, summary.UsersScored);
        var subOrchestration = await host.Durable.GetInstanceAsync(NightlyRunOrchestrator.InstanceIdFor(Night) + "-shards-0003");
        Assert.NotNull(subOrchestration);
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, subOrchestration.RuntimeStatus);
    }

    [Fact]
    public async Task ShouldReportProgressAsShardsComplete()
    {
        await using var host = await TestHost.StartAsync(azurite, Now);
        using (await host.PutMembersBatchAsync("seed", SmallPopulation.Batch(40, Night, 30)))
        {
        }

        var scheduler = host.Services.GetRequiredService<NightlyRunScheduler>();
        var (instanceId, _) = await scheduler.StartScheduledAsync(host.Durable, Night, CancellationToken.None);
        var seen = new List<RunProgress>();
        while (true)
        {
            var instance = await host.Durable.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
            if (instance?.SerializedCustomStatus is { } status)
            {
                seen.Add(System.Text.Json.JsonSerializer.Deserialize<RunProgress>(status, System.Text.Json.JsonSerializerOptions.Web)!);
            }

            if (instance?.RuntimeStatus is Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed or Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Failed)
            {
                break;
            }

            await Task.Delay(20);
        }

        Assert.Equal("completed", seen[^1].Phase);
        Assert.Equal(new RunProgress("completed", 8, 8, 40, 0), seen[^1]);
        for (var i = 1; i < seen.Count; i++)
        {
            Assert.True(seen[i].ShardsDone >= seen[i - 1].ShardsDone && seen[i].UsersScored >= seen[i - 1].UsersScored, "progress never goes back");
        }

        // Users scored grows with shards done: no shard reports its users late.
        Assert.All(seen.Where(p => p.ShardsDone > 0), p => Assert.True(p.UsersScored > 0, $"{p.ShardsDone} shards done but {p.UsersScored} users"));
    }

    [Fact]
    public async Task ShouldNotStartASecondScheduledRunForTheSameNight()
    {
        await using var host = await TestHost.StartAsync(azurite, Now);
        var scheduler = host.Services.GetRequiredService<NightlyRunScheduler>();
        var first = await scheduler.StartScheduledAsync(host.Durable, Night, CancellationToken.None);
        var second = await scheduler.StartScheduledAsync(host.Durable, Night, CancellationToken.None);
        Assert.True(first.Started);
        Assert.False(second.Started);
        Assert.Equal(first.InstanceId, second.InstanceId);
        Assert.Equal("nightly-20261127", first.InstanceId);
        await host.Durable.WaitForInstanceCompletionAsync(first.InstanceId);
    }

    /// <summary>Every stored column of the score, population and calibration tables, minus the service-set timestamps.</summary>
    private static async Task<List<string>> SnapshotAsync(TestHost host)
    {
        var rows = new List<string>();
        foreach (var (name, table) in new[] { ("scores", host.Tables.Scores), ("population", host.Tables.Population), ("calibration", host.Tables.Calibration) })
        {
            await foreach (var row in table.QueryAsync<TableEntity>())
            {
                var columns = row.Where(c => c.Key is not ("Timestamp" or "odata.etag"))
                    .OrderBy(c => c.Key, StringComparer.Ordinal)
                    .Select(c => $"{c.Key}={(c.Value is byte[] b ? Convert.ToBase64String(b) : c.Value)}");
                rows.Add($"{name}|{row.PartitionKey}|{row.RowKey}|{string.Join(';', columns)}");
            }
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}
