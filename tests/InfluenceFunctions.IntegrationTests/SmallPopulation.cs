using System.Globalization;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.IntegrationTests;

/// <summary>Builds ingestion batches for a small, deterministic population the tests can reason about.</summary>
public static class SmallPopulation
{
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// <paramref name="users"/> users ("u000".."uNNN") with <paramref name="days"/> days of signals ending at
    /// <paramref name="lastDay"/>; user i's audience and engagement grow with i, and every user engages a few
    /// higher-numbered users each day.
    /// </summary>
    public static object Batch(int users, DateOnly lastDay, int days, int firstUser = 0)
    {
        var signals = new List<object>();
        var engagements = new List<object>();
        for (var u = firstUser; u < firstUser + users; u++)
        {
            for (var d = 0; d < days; d++)
            {
                var day = lastDay.AddDays(-d);
                var scale = 1 + u;
                signals.Add(new
                {
                    userId = UserId(u),
                    network = u % 3 == 0 ? "mastodon" : "twitter",
                    day = Day(day),
                    audienceSize = 100.0 * scale,
                    posts = 2 + (u % 3),
                    reactions = 5.0 * scale,
                    reshares = 1.0 * scale,
                    replies = 0.5 * scale,
                    mentionsReceived = 0.2 * scale,
                    mentionsSent = 1,
                    resharesSent = 1,
                    uniqueEngagers = 3.0 * scale,
                });
                foreach (var target in new[] { u + 1, u + 7 })
                {
                    if (target < firstUser + users)
                    {
                        engagements.Add(new { from = UserId(u), to = UserId(target), day = Day(day), count = 1 + (d % 2) });
                    }
                }
            }
        }

        return new { signals, engagements };
    }

    public static string UserId(int index) => "u" + index.ToString("D3", CultureInfo.InvariantCulture);
}
