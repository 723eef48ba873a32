using System.Text.Json;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Workflows.Runs;

namespace InfluenceFunctions.UnitTests.Runs;

/// <summary>What a shard hands on: bounded, and merged into the same night-wide results one pass over every user gives.</summary>
public class ShardSummaryTests
{
    [Fact]
    public void ShouldMergeTheShardsShadowDiffsIntoTheReportOneBuilderOverEveryUserMakes()
    {
        var pairs = Pairs(10_000, seed: 5);
        var shards = pairs.GroupBy(p => (int)(Fnv(p.UserId) % 16)).OrderBy(g => g.Key).ToList();
        Assert.Equal(16, shards.Count);

        var summaries = shards.Select(shard =>
        {
            var builder = new ShadowDiffBuilder();
            foreach (var pair in shard)
            {
                builder.Add(pair.UserId, pair.Live, pair.Shadow);
            }

            return new ShardSummary([], [], builder.Summary());
        });
        var merged = new ShadowDiffBuilder();
        merged.Add(ShardSummary.Merge(summaries).ShadowDiff!);

        var expected = ShadowDiffReport.Build(pairs);
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(merged.Build()));
        Assert.Equal(20, expected.BiggestMovers.Count);
        Assert.True(expected.BecameScored > 0 && expected.BecameUnscored > 0 && expected.Live.Unscored > 0, "the population has every kind of pair");
    }

    [Fact]
    public void ShouldMergeShardsThatSeeFewerMoversThanTheReportKeeps()
    {
        // Three shards of four users: the report keeps up to 20 movers, so all twelve come through.
        var pairs = Pairs(12, seed: 9).Where(p => p.Live.Score is not null && p.Shadow.Score is not null).ToList();
        var summaries = pairs.Chunk(4).Select(chunk =>
        {
            var builder = new ShadowDiffBuilder();
            foreach (var pair in chunk)
            {
                builder.Add(pair.UserId, pair.Live, pair.Shadow);
            }

            return new ShardSummary([], [], builder.Summary());
        });
        var merged = new ShadowDiffBuilder();
        merged.Add(ShardSummary.Merge(summaries).ShadowDiff!);
        Assert.Equal(pairs.Count, merged.Build().BiggestMovers.Count);
    }

    [Fact]
    public void ShouldKeepTheCalibrationSamplesInTheOrderTheShardsAreGiven()
    {
        var merged = ShardSummary.Merge([new ShardSummary([1, 2], [10], null), ShardSummary.Empty, new ShardSummary([3], [], null)]);
        Assert.Equal([1, 2, 3], merged.CalibrationSample);
        Assert.Equal([10], merged.ShadowCalibrationSample);
        Assert.Null(merged.ShadowDiff);
    }

    [Fact]
    public void ShouldHandOnASummaryWhoseSizeDoesNotGrowWithTheShardsUsers()
    {
        // As the orchestration stores it (System.Text.Json), with a shadow model: ten times the users adds at most one
        // digit to each of its 400 counters (three histograms and the change histogram), and nothing else.
        var small = Serialized(5_000);
        var large = Serialized(50_000);
        Assert.True(large - small <= 400, $"{small} bytes for 5,000 users, {large} for 50,000");
        Assert.True(large < 8_000, $"{large} bytes");
    }

    private static int Serialized(int users)
    {
        var builder = new ShadowDiffBuilder();
        foreach (var pair in Pairs(users, seed: 3))
        {
            builder.Add(pair.UserId, pair.Live, pair.Shadow);
        }

        var sample = Enumerable.Range(0, 64).Select(i => i / 64.0).ToArray();
        return JsonSerializer.SerializeToUtf8Bytes(new ShardSummary(sample, sample, builder.Summary())).Length;
    }

    /// <summary>Users scored by both (mostly), some by one only, some by neither, with changes of every size.</summary>
    private static List<ShadowPair> Pairs(int users, int seed)
    {
        var random = new Random(seed);
        var pairs = new List<ShadowPair>(users);
        for (var i = 0; i < users; i++)
        {
            int? live = random.NextDouble() < 0.05 ? null : random.Next(1, 101);
            int? shadow = random.NextDouble() < 0.05 ? null : Math.Clamp((live ?? 50) + random.Next(-40, 41), 1, 100);
            pairs.Add(new ShadowPair($"user{i:D6}", Result("v1", live), Result("v2", shadow)));
        }

        return pairs;
    }

    private static ulong Fnv(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    private static ScoreResult Result(string version, int? score) =>
        new(version, score is null ? ScoreStatus.Unscored : ScoreStatus.Scored, score is null ? "too little data" : null, score, 0, 0, 0, 0, 1, new Dictionary<string, double>(), []);
}
