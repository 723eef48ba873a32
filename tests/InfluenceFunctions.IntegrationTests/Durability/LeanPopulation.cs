using Azure.Data.Tables;
using InfluenceFunctions.Domain.People;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.People;

namespace InfluenceFunctions.IntegrationTests.Durability;

/// <summary>
/// A large population written straight into the signals table, as small as a scorable person can be: one network and
/// the 14 days of signals the model needs (so a row is about 700 bytes), no engagement. Each user is scored like any
/// other; only seeding and reading them back is cheaper than a full demo population.
/// </summary>
public static class LeanPopulation
{
    public static string UserId(int index) => "lean" + index.ToString("D7", System.Globalization.CultureInfo.InvariantCulture);

    public static async Task SeedAsync(InfluenceTables tables, int users, int shardCount, DateOnly night)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var optedIn = new DateTimeOffset(night.AddDays(-30).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var rows = new List<TableEntity>(users);
        var values = new float[ScoringWindow.SignalCount];
        for (var i = 0; i < users; i++)
        {
            var userId = UserId(i);
            var row = AccountRows.NewRow(Shards.KeyOf(userId, shardCount), userId, optedIn, [new Connection("twitter", userId, optedIn)]);
            var series = PackedSeries.Empty();
            var audience = 100 + ((i * 7919) % 50_000);
            for (var day = night.DayNumber - 13; day <= night.DayNumber; day++)
            {
                var posts = 1 + ((i + day) % 4);
                values[(int)SignalKind.AudienceSize] = audience;
                values[(int)SignalKind.Posts] = posts;
                values[(int)SignalKind.Reactions] = posts * (1 + (audience / 200f));
                values[(int)SignalKind.Reshares] = posts * (i % 5);
                values[(int)SignalKind.Replies] = posts * (i % 3);
                values[(int)SignalKind.MentionsReceived] = i % 4;
                values[(int)SignalKind.MentionsSent] = 1;
                values[(int)SignalKind.ResharesSent] = 1;
                values[(int)SignalKind.UniqueEngagers] = posts * (1 + (audience / 400f));
                values[(int)SignalKind.ListMemberships] = audience / 250f;
                series.Set(day, values);
            }

            row[SignalRows.WindowColumn("twitter")] = series.Encode();
            rows.Add(row);
        }

        await TableBatches.WriteRowsAsync(tables.Signals, rows, null, CancellationToken.None);
    }
}
