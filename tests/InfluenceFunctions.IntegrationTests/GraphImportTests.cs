using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Seeding;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.IntegrationTests;

[Collection(AzuriteCollection.Name)]
public sealed class GraphImportTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Night = new(2026, 11, 27);
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ShouldGiveUsersSeenOnFewDaysZerosOverTheGraphsSpanSoTheyAreScored()
    {
        await using var host = await TestHost.StartAsync(azurite, Now);
        var first = Night.AddDays(-ScoringWindow.Days + 1).DayNumber;

        // "busy" mentions "hub" on every day of the span; "quiet" is mentioned by "hub" on 3 days only.
        var edges = Enumerable.Range(first, ScoringWindow.Days).Select(d => new GraphEdge("busy", "hub", d, 1)).ToList();
        edges.AddRange(new[] { 10, 40, 80 }.Select(offset => new GraphEdge("hub", "quiet", first + offset, 1)));
        var options = host.Services.GetRequiredService<IOptions<InfluenceOptions>>().Value;
        await new GraphImporter(host.Tables, options).ImportAsync(edges, CancellationToken.None);

        var row = await host.Tables.Signals.GetEntityAsync<TableEntity>(Shards.KeyOf("quiet", options.ShardCount), "quiet");
        var input = SignalRows.ToScoringInput(row.Value, Night, null);
        var window = Assert.Single(input.Networks);
        Assert.Equal(0f, window[0, SignalKind.MentionsReceived]); // a quiet day inside the span: observed zero, not NaN
        Assert.Equal(1f, window[10, SignalKind.MentionsReceived]);

        var model = new ScoreModelV1();
        var result = model.Score(input, new PopulationTable(0), model.DefaultCalibration);
        Assert.Equal(ScoreStatus.Scored, result.Status);

        // A night after the span: the days past it are absent (NaN), not zero.
        var later = SignalRows.ToScoringInput(row.Value, Night.AddDays(2), null);
        Assert.True(float.IsNaN(Assert.Single(later.Networks)[ScoringWindow.Days - 1, SignalKind.MentionsReceived]));
    }
}
