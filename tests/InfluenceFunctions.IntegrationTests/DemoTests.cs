using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Seeding;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.IntegrationTests;

/// <summary>
/// The local host's demo: its past nights, scored in-process (<see cref="DemoHistory"/>), are what the durable nightly
/// run writes; and a month of them gives a person's page everything it shows.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DemoTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Night = new(2026, 11, 27);
    private static readonly DateTimeOffset Morning = new(2026, 11, 28, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ShouldWriteThePastNightsTheDurableRunWouldWrite()
    {
        const int nights = 3;
        await using var inProcess = await TestHost.StartAsync(azurite, Morning, TestTokens.Settings);
        await using var durable = await TestHost.StartAsync(azurite, Morning, TestTokens.Settings);
        foreach (var host in new[] { inProcess, durable })
        {
            await SeedAsync(host, users: 120, nights);
        }

        var history = new DemoHistory(inProcess.Services.GetRequiredService<NightlyRunService>(), inProcess.Services.GetRequiredService<ShardPass>());
        var summaries = await history.RunAsync(Night.AddDays(-(nights - 1)), Night, null, CancellationToken.None);
        for (var night = Night.AddDays(-(nights - 1)); night <= Night; night = night.AddDays(1))
        {
            await durable.RunNightAsync(night);
        }

        Assert.Equal(nights, summaries.Count);
        Assert.All(summaries, s => Assert.True(s.UsersScored > 100, $"{s.Day}: {s.UsersScored} scored"));
        var scores = await RowsAsync(inProcess.Tables.Scores);
        Assert.Equal(120, scores.Count);
        Assert.Contains(scores.Values, row => row["Moves"] is string moves && moves.Length > 2); // Nights after the first moved someone.
        Assert.Equal(scores, await RowsAsync(durable.Tables.Scores));
        Assert.Equal(await RowsAsync(durable.Tables.Topics), await RowsAsync(inProcess.Tables.Topics));
        Assert.Equal(await RowsAsync(durable.Tables.TopicNights), await RowsAsync(inProcess.Tables.TopicNights));
        Assert.Equal(await RowsAsync(durable.Tables.Population), await RowsAsync(inProcess.Tables.Population));
        Assert.Equal(await RowsAsync(durable.Tables.Calibration), await RowsAsync(inProcess.Tables.Calibration));
    }

    [Fact]
    public async Task ShouldGiveTheListedPeopleAMonthOfHistoryWithDeltasMovesMilestonesTopicsAndPlusK()
    {
        await using var host = await TestHost.StartAsync(azurite, Morning, TestTokens.Settings);
        var options = new LocalHostArguments(Users: 300, Seed: 42, Port: 0, Demo: true, Remaining: [], Nights: LocalDemo.DefaultNights);
        await LocalDemo.RunAsync(host.Services, options, Night, CancellationToken.None);

        using var bare = host.Bare();
        var profiles = new List<JsonElement>();
        foreach (var user in Enumerable.Range(0, DemoActivity.FirstPeople.Count).Select(DemoPopulation.UserId))
        {
            using var response = await bare.SendAsync(TestTokens.As(user, HttpMethod.Get, $"/api/v1/users/{user}/profile"));
            profiles.Add(await response.Content.ReadFromJsonAsync<JsonElement>());
        }

        static IEnumerable<JsonElement> All(IEnumerable<JsonElement> profiles, Func<JsonElement, JsonElement> list) => profiles.SelectMany(p => list(p).EnumerateArray());
        var scored = profiles.Where(p => p.GetProperty("score").GetProperty("status").GetString() == "scored").ToList();
        Assert.True(scored.Count >= 10, $"{scored.Count} of the listed people are scored");
        Assert.All(scored, p => Assert.True(
            p.GetProperty("history").GetProperty("days").EnumerateArray().Count(d => d.GetProperty("score").ValueKind == JsonValueKind.Number) >= 20,
            $"{p.GetProperty("userId")} has under 20 scored nights"));
        Assert.Contains(scored, p => p.GetProperty("score").GetProperty("deltas").GetProperty("month").ValueKind == JsonValueKind.Number);
        Assert.Contains(scored, p => p.GetProperty("score").GetProperty("deltas").GetProperty("week").GetInt32() != 0);
        Assert.NotEmpty(All(scored, p => p.GetProperty("score").GetProperty("moves")));
        Assert.NotEmpty(All(profiles, p => p.GetProperty("milestones")));

        // Topics from the demo's posts (with their evidence), and +K both ways.
        var topics = All(profiles, p => p.GetProperty("topics")).ToList();
        var interests = DemoActivity.Interests.Select(i => i.Topic).ToHashSet(StringComparer.Ordinal);
        Assert.True(topics.Count(t => interests.Contains(t.GetProperty("id").GetString()!)) >= 15, $"{topics.Count} topics");
        Assert.Contains(topics, t => t.GetProperty("id").GetString() == "python-programming");
        Assert.Contains(topics, t => t.GetProperty("id").GetString() == "reptiles"); // "python" both ways.
        Assert.Contains(topics, t => t.GetProperty("evidence").GetProperty("plusK").GetProperty("received").GetInt32() > 0);
        Assert.All(profiles, p => Assert.NotEmpty(p.GetProperty("plusK").GetProperty("given").EnumerateArray()));
        Assert.Contains(profiles, p => p.GetProperty("plusK").GetProperty("receivedTotal").GetInt32() > 0);
    }

    private static async Task SeedAsync(TestHost host, int users, int nights)
    {
        var settings = host.Services.GetRequiredService<IOptions<InfluenceOptions>>().Value;
        var population = new DemoPopulation(host.Tables, settings) { SignalDays = Scoring.ScoringWindow.Days + nights - 1, Trends = DemoPopulation.FirstPeopleTrends };
        var seeded = await population.SeedAsync(users, Night, seed: 7, progress: null, CancellationToken.None);
        await new DemoActivity(host.Tables, settings).SeedAsync(seeded, Night, seed: 7, CancellationToken.None);
    }

    /// <summary>Every row of a table by its keys, with its columns (the service's Timestamp and ETag left out).</summary>
    private static async Task<Dictionary<string, Dictionary<string, object>>> RowsAsync(TableClient table)
    {
        var rows = new Dictionary<string, Dictionary<string, object>>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            rows[row.PartitionKey + "/" + row.RowKey] = row
                .Where(c => c.Key is not ("Timestamp" or "odata.etag"))
                .ToDictionary(c => c.Key, c => c.Value is byte[] bytes ? Convert.ToBase64String(bytes) : c.Value, StringComparer.Ordinal);
        }

        return rows;
    }
}
