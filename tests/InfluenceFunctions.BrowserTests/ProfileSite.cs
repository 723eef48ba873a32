using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.People;
using InfluenceFunctions.Workflows.Nightly;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace InfluenceFunctions.BrowserTests;

/// <summary>
/// A small population made for the page's features, scored over six nights: 16 people with 60 days of signals,
/// growing, so moves and deltas exist; u005 posts about the Minnesota Twins and wine and received a +K; u015 has three
/// days of data (unscored). The erasure settles in seconds. (The demo's month: <see cref="DemoSite"/>.)
/// </summary>
public sealed class ProfileSite : BrowserSite
{
    public const string AdminKey = "browser-test-admin-key";
    public const int ErasureSettleSeconds = 3;
    public const int People = 16;

    /// <summary>Nights scored, the last one being <see cref="Night"/>.</summary>
    public const int Nights = 6;

    /// <summary>The last night scored; the page is looked at the morning after.</summary>
    public static readonly DateOnly Night = new(2026, 11, 27);

    public FixedClock Clock { get; } = new(new DateTimeOffset(Night.AddDays(1).ToDateTime(new TimeOnly(6, 0)), TimeSpan.Zero));

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Influence:ShardCount"] = "8",
        ["LocalHost:AdminKey"] = AdminKey,
        ["Privacy:ErasureSettleSeconds"] = ErasureSettleSeconds.ToString(CultureInfo.InvariantCulture),
    };

    protected override TimeProvider? SiteClock => Clock;

    public static string UserId(int index) => "u" + index.ToString("D3", CultureInfo.InvariantCulture);

    protected override async Task SeedAsync()
    {
        var signals = new List<object>();
        var engagements = new List<object>();
        for (var u = 0; u < People; u++)
        {
            var days = u == People - 1 ? 3 : 60; // The last person has too few days to be scored.
            for (var d = 0; d < days; d++)
            {
                var scale = 1 + u;
                var growth = 1 + ((60 - d) / 40.0); // Growing activity, so each night's window moves the score.
                signals.Add(new
                {
                    userId = UserId(u),
                    network = u % 3 == 0 ? "mastodon" : "twitter",
                    day = Day(Night.AddDays(-d)),
                    audienceSize = 100.0 * scale * growth,
                    posts = 2 + (u % 3),
                    reactions = 5.0 * scale * growth,
                    reshares = 1.0 * scale * growth,
                    replies = 0.5 * scale,
                    mentionsReceived = 0.2 * scale * growth,
                    mentionsSent = 1,
                    resharesSent = 1,
                    uniqueEngagers = 3.0 * scale * growth,
                });
                foreach (var target in new[] { u + 1, u + 5 })
                {
                    if (target < People - 1)
                    {
                        engagements.Add(new { from = UserId(u), to = UserId(target), day = Day(Night.AddDays(-d)), count = 1 + (d % 3) });
                    }
                }
            }
        }

        var posts = new List<object>();
        for (var i = 0; i < 8; i++)
        {
            posts.Add(Post("u005", i, $"twins{i}", $"Twins walk-off in the {i + 2}th inning at Target Field, Buxton with the homer", 60 + (10 * i), 8, 5));
            posts.Add(Post("u005", i, $"wine{i}", "Opened a bottle of cabernet from a small Napa vineyard, lovely tannins", 20, 2, 3));
            posts.Add(Post("u004", i, $"coffee{i}", "First cold brew of the day, the barista nailed it", 15, 1, 1));
        }

        await EnrollAsync(signals.Select(s => JsonSerializer.SerializeToElement(s)));
        await SendAsync(HttpMethod.Put, "/api/v1/ingest/batches/browser-signals", new { signals, engagements });
        await SendAsync(HttpMethod.Put, "/api/v1/ingest/posts/browser-posts", new { posts });

        for (var night = Night.AddDays(-(Nights - 1)); night < Night; night = night.AddDays(1))
        {
            await RunNightAsync(night);
        }

        // +K given on the last day counts in that night's graph: u005 has some received by the morning after.
        Clock.Now = new DateTimeOffset(Night.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        foreach (var giver in new[] { "u003", "u006" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/users/{giver}/plusk") { Content = JsonContent.Create(new { receiver = "u005", topic = "minnesota-twins" }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenForAsync(giver));
            using var response = await Http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }

        Clock.Now = new DateTimeOffset(Night.AddDays(1).ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
        await RunNightAsync(Night);
    }

    private static object Post(string userId, int daysAgo, string postId, string text, double reactions, double reshares, double replies) =>
        new { userId, network = "twitter", day = Day(Night.AddDays(-daysAgo)), postId, text, reactions, reshares, replies };

    private async Task EnrollAsync(IEnumerable<JsonElement> signals)
    {
        var accounts = Services.GetRequiredService<AccountStore>();
        foreach (var person in signals.Select(s => (User: s.GetProperty("userId").GetString()!, Network: s.GetProperty("network").GetString()!)).Distinct().GroupBy(s => s.User))
        {
            await accounts.OptInAsync(person.Key, CancellationToken.None);
            foreach (var (_, network) in person)
            {
                await accounts.ConnectAsync(person.Key, network, person.Key, CancellationToken.None);
            }
        }
    }

    private async Task SendAsync(HttpMethod method, string url, object? body)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add(LocalApp.AdminKeyHeader, AdminKey);
        using var response = await Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task RunNightAsync(DateOnly night)
    {
        await SendAsync(HttpMethod.Post, $"/api/v1/manage/runs?day={Day(night)}", null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var instance = await Services.GetRequiredService<DurableTaskClient>()
            .WaitForInstanceCompletionAsync(NightlyRunOrchestrator.InstanceIdFor(night), getInputsAndOutputs: false, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>A clock the site runs on: the tests set the morning after the last night.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

[CollectionDefinition(Name)]
public sealed class ProfileSiteCollection : ICollectionFixture<ProfileSite>
{
    public const string Name = "profile site";
}
