using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Cli;

/// <summary>
/// card-sample: writes the media-kit card for a made-up user (a 90-day history with a gap, three topics) so the
/// design can be looked at without a running host. docs/media-kit-card.png is this, rendered by headless Chromium.
/// </summary>
internal static class CardSampleCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length is not (2 or 3) || args[0] != "--output")
        {
            await Console.Error.WriteLineAsync("usage: influence card-sample --output card.svg [--no-topics|--unscored]");
            return 2;
        }

        var random = new Random(7);
        var series = new int?[ScoreDetailsHandler.CardDays];
        double level = 58;
        for (var i = 0; i < series.Length; i++)
        {
            level = Math.Clamp(level + (random.NextDouble() * 3.2) - 1.25, 1, 100);
            series[i] = i is >= 40 and < 43 ? null : (int)Math.Round(level); // Three nights without a result.
        }

        var card = new ScoreCardData(
            "maya.travels",
            series[^1],
            null,
            new ComponentsView(81.4, 64.9, 72.3),
            new DateOnly(2026, 11, 27),
            "v1",
            series[^1] - series[^8],
            series,
            [new TopicBadge("travel", 0.92), new TopicBadge("photography", 0.71), new TopicBadge("sustainable fashion", 0.55)]);
        if (args.Length == 3 && args[2] == "--no-topics")
        {
            card = card with { Topics = [] };
        }
        else if (args.Length == 3 && args[2] == "--unscored")
        {
            card = new ScoreCardData("new.creator", null, "Not enough data yet: 5 of the 14 days needed in the last 90.", null, null, null, null, [], []);
        }

        await File.WriteAllTextAsync(args[1], ScoreCard.Render(card));
        Console.WriteLine($"wrote {args[1]}");
        return 0;
    }
}
