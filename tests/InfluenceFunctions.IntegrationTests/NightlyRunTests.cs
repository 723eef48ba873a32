using System.Net;
using Azure.Data.Tables;
using InfluenceFunctions.Api;
using Azure.Core.Pipeline;
using Azure.Core;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace InfluenceFunctions.IntegrationTests;

[Collection(AzuriteCollection.Name)]
public sealed partial class NightlyRunTests(AzuriteFixture azurite)
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
        Assert.Equal("v2", top.GetProperty("modelVersion").GetString());
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
        // The first shard to finish scoring goes through; the other seven wait in the gate. So the run must stop at
        // "scoring, 1 of 8 shards" for as long as the test needs to see it, however fast or loaded the machine.
        var gate = new HoldShardsAfterTheFirst();
        await using var host = await TestHost.StartAsync(azurite, Now, services: services => services.AddSingleton<HttpPipelinePolicy>(gate));
        using (await host.PutMembersBatchAsync("seed", SmallPopulation.Batch(40, Night, 30)))
        {
        }

        var usersInShard = Enumerable.Range(0, 40).Select(SmallPopulation.UserId).GroupBy(id => Shards.Of(id, 8)).ToDictionary(g => g.Key, g => g.Count());
        var scheduler = host.Services.GetRequiredService<NightlyRunScheduler>();
        var (instanceId, _) = await scheduler.StartScheduledAsync(host.Durable, Night, CancellationToken.None);
        var seen = new List<RunProgress>();
        try
        {
            await PollProgressAsync(host, instanceId, seen, until: p => p is { Phase: RunPhase.Scoring, ShardsDone: > 0 }, TimeSpan.FromMinutes(2));
            var paused = seen[^1];
            Assert.Equal(new RunProgress(RunPhase.Scoring, 1, 8, usersInShard[gate.FirstShard!.Value], 0), paused);
        }
        finally
        {
            gate.Release(); // Never leave shard activities blocked behind a failed assertion.
        }

        await PollProgressAsync(host, instanceId, seen, until: p => p.Phase == RunPhase.Completed, TimeSpan.FromMinutes(2));
        Assert.Equal(new RunProgress(RunPhase.Completed, 8, 8, 40, 0), seen[^1]);
        Assert.Contains(seen, p => p is { Phase: RunPhase.Scoring, ShardsDone: > 0 and < 8 }); // Seen on the way, not just at the end.
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

    /// <summary>Polls the run's custom status, recording each change, until <paramref name="until"/> holds; fails at the deadline or if the run ends first.</summary>
    private static async Task PollProgressAsync(TestHost host, string instanceId, List<RunProgress> seen, Func<RunProgress, bool> until, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var instance = await host.Durable.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
            if (instance?.SerializedCustomStatus is { } status
                && System.Text.Json.JsonSerializer.Deserialize<RunProgress>(status, System.Text.Json.JsonSerializerOptions.Web) is { } progress)
            {
                if (seen.Count == 0 || seen[^1] != progress)
                {
                    seen.Add(progress);
                }

                if (until(progress))
                {
                    return;
                }
            }

            Assert.False(
                instance?.RuntimeStatus is Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed or Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Failed,
                $"the run ended {instance?.RuntimeStatus} before the awaited progress; seen: {string.Join(", ", seen)}");
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for progress; seen: {string.Join(", ", seen)}");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Lets the first shard that finishes scoring through and holds every other shard's activity until released: the
    /// score step's last write is the shard's population row (PK = night, RK = shard), so that write is the gate.
    /// </summary>
    private sealed partial class HoldShardsAfterTheFirst : HttpPipelinePolicy
    {
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int arrived;

        public int? FirstShard { get; private set; }

        public void Release() => released.TrySetResult();

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            WaitAsync(message).AsTask().GetAwaiter().GetResult();
            ProcessNext(message, pipeline);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await WaitAsync(message);
            await ProcessNextAsync(message, pipeline);
        }

        private async ValueTask WaitAsync(HttpMessage message)
        {
            if (message.Request.Method == RequestMethod.Get || PopulationRow().Match(Uri.UnescapeDataString(message.Request.Uri.Path)) is not { Success: true } row)
            {
                return;
            }

            if (Interlocked.Increment(ref arrived) == 1)
            {
                FirstShard = int.Parse(row.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                return;
            }

            await released.Task.WaitAsync(message.CancellationToken);
        }

        [System.Text.RegularExpressions.GeneratedRegex(@"population\(PartitionKey='\d+',\s*RowKey='(\d+)'\)")]
        private static partial System.Text.RegularExpressions.Regex PopulationRow();
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
