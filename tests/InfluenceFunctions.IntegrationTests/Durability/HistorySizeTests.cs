using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.Runs;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace InfluenceFunctions.IntegrationTests.Durability;

/// <summary>
/// Nothing in the night's orchestration grows with users: its history is the same size at 10,000 and at 100,000. The
/// populations go straight into the signals table as lean rows (<see cref="LeanPopulation"/>), and the nights run for real
/// (about a minute on a quiet machine, most of it Azurite writing 200,000 score rows): filter with Category!=Scale to skip.
/// </summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Scale")]
public sealed class HistorySizeTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly DateOnly Night = NightScenario.Night;

    [Fact]
    public async Task ShouldKeepTheNightsHistoryTheSameSizeAtTenAndAHundredThousandUsers()
    {
        var small = await NightHistoryAsync(10_000);
        var large = await NightHistoryAsync(100_000);
        output.WriteLine($"10,000 users: {small}");
        output.WriteLine($"100,000 users: {large}");
        Assert.Equal(3, small.Instances); // The night and its two sub-orchestrations.
        Assert.Equal(small.Instances, large.Instances);
        Assert.True(large.TotalBytes <= small.TotalBytes * 1.2, $"{small.TotalBytes:N0} bytes at 10,000 users, {large.TotalBytes:N0} at 100,000");
    }

    /// <summary>One night over <paramref name="users"/> lean users in 16 shards (through sub-orchestrations of 8), with a shadow model, on the Azure Storage backend.</summary>
    private async Task<TaskHubHistory.Size> NightHistoryAsync(int users)
    {
        var settings = DurableBackendTests.OnAzureStorage(new Dictionary<string, string?>
        {
            ["Influence:ShardCount"] = "16",
            ["Influence:ShardsPerSubOrchestration"] = "8",
            ["Influence:ShadowModelVersion"] = "v1-shadow",
        });
        var shadow = new RenamedModel(ScoreModels.Default.Get("v1"), "v1-shadow");
        await using var host = await TestHost.StartAsync(azurite, NightScenario.Now, settings, services => services.AddSingleton<IScoreModel>(shadow));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await LeanPopulation.SeedAsync(host.Tables, users, 16, Night);
        var seeded = clock.Elapsed;
        var summary = await host.RunNightAsync(Night);
        output.WriteLine($"{users:N0} users: seeded in {seeded.TotalSeconds:F1} s, night in {(clock.Elapsed - seeded).TotalSeconds:F1} s");
        Assert.Equal(users, summary.UsersScored);
        return await TaskHubHistory.MeasureAsync(azurite.ConnectionString, settings["LocalHost:Durable:TaskHub"]!, NightlyRunOrchestrator.InstanceIdFor(Night));
    }

    /// <summary>The live model under another version name: a shadow that scores like it (the report's content does not matter here).</summary>
    private sealed class RenamedModel(IScoreModel inner, string version) : IScoreModel
    {
        public string Version => version;

        public Calibration DefaultCalibration => new(version, inner.DefaultCalibration.Knots, 0);

        public ScoreResult Score(ScoringInput input, IPopulationScores population, Calibration calibration) =>
            inner.Score(input, population, new Calibration(inner.Version, calibration.Knots, calibration.SampleNights)) with { ModelVersion = version };
    }
}
