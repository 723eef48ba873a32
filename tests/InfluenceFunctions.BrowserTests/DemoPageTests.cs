using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using InfluenceFunctions.Api.Profile;
using InfluenceFunctions.Seeding;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace InfluenceFunctions.BrowserTests;

/// <summary>
/// The README's first command, seen in a browser: a person the sign-in lists has a month of history with day, week
/// and month changes, what moved it in sentences, milestones, topics from their posts (an ambiguous word settled by
/// its context) and +K both ways. The committed screenshots come from here (INFLUENCE_SCREENSHOTS=$PWD/docs).
/// </summary>
[Collection(DemoSiteCollection.Name)]
public sealed partial class DemoPageTests(DemoSite site, ITestOutputHelper output) : IAsyncLifetime
{
    private IPage page = null!;

    public async Task InitializeAsync() => page = await site.NewPageAsync();

    public async Task DisposeAsync()
    {
        await page.Context.CloseAsync();
        Assert.True(site.PageErrors.Count == 0, "Script errors: " + string.Join("\n", site.PageErrors));
    }

    [Fact]
    public async Task ShouldShowAListedPersonAMonthWithChangesMovesMilestonesTopicsAndPlusK()
    {
        output.WriteLine($"Set-up: {site.StartupTime.TotalSeconds:F1} s, of which the demo ({DemoSite.Demo.Users:N0} people, {DemoSite.Demo.Nights} nights) {site.DemoTime.TotalSeconds:F1} s");
        var (userId, profile) = await MostEventfulListedPersonAsync();
        output.WriteLine($"Showing {userId}");
        await page.GotoAsync("/profile/");
        await page.Locator($"[data-user={userId}]").ClickAsync();
        await Expect(page.Locator("#profile")).ToBeVisibleAsync();

        // A month of nights on the chart, and the changes over a day, a week and a month.
        var scoredNights = profile.GetProperty("history").GetProperty("days").EnumerateArray().Count(d => d.GetProperty("score").ValueKind == JsonValueKind.Number);
        Assert.True(scoredNights >= 30, $"{userId} has {scoredNights} scored nights");
        var chart = page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^Your score, night by night, since ") });
        await Expect(chart.Locator("path.line").First).ToBeVisibleAsync();
        await Expect(page.Locator("#history-caption")).ToContainTextAsync($"{scoredNights} scored nights");
        foreach (var label in new[] { "since the night before", "in a week", "in a month" })
        {
            await Expect(page.Locator(".deltas")).ToContainTextAsync(label);
        }

        // What moved, as sentences; the milestones; no driver id anywhere.
        var moves = profile.GetProperty("score").GetProperty("moves").GetArrayLength();
        Assert.True(moves > 0, $"{userId}'s last night moved nothing");
        await Expect(page.Locator("#moves li")).ToHaveCountAsync(moves);
        var milestones = profile.GetProperty("milestones");
        Assert.True(milestones.GetArrayLength() > 0, $"{userId} crossed no milestone");
        await Expect(page.Locator("#milestones li")).ToHaveCountAsync(milestones.GetArrayLength());
        await Expect(page.Locator("#milestones li").First).ToHaveTextAsync(new Regex(@"Your score (reached|fell below) (25|50|75|90) on the night of \d{4}-\d{2}-\d{2} \(\d+ to \d+\)\."));
        Assert.DoesNotMatch(DriverId(), await page.Locator("main").InnerTextAsync());

        // Topics from the demo's posts, with the context that settled an ambiguous word, and +K received and given.
        var topics = profile.GetProperty("topics").EnumerateArray().ToList();
        await Expect(page.Locator("#topics > li")).ToHaveCountAsync(topics.Count);
        var settled = topics.First(t => t.GetProperty("evidence").GetProperty("context").GetArrayLength() > 0);
        var topic = page.Locator($"[data-topic={settled.GetProperty("id").GetString()}]");
        await topic.Locator("summary").ClickAsync();
        await Expect(topic.Locator("details")).ToContainTextAsync("meaning settled by");
        await Expect(page.Locator("#plusk-received")).ToContainTextAsync("+K in the last 90 days");
        await Expect(page.Locator("#plusk-given li").First).ToContainTextAsync("+K to");

        await page.ScreenshotAsync(new() { Path = Screenshots.PathOf("profile-page.png"), FullPage = true });
        await page.SetViewportSizeAsync(375, 812);
        await page.ScreenshotAsync(new() { Path = Screenshots.PathOf("profile-page-phone.png"), FullPage = true });
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0);

        await page.SetViewportSizeAsync(1280, 900);
        await page.GotoAsync($"/u/{userId}");
        await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex($"^{userId}: influence score \\d+$") })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Screenshots.PathOf("card-page.png") });
    }

    /// <summary>
    /// Of the people the sign-in lists, the one whose page has the most to show: moves, milestones, a month's change,
    /// +K received, a topic whose meaning context settled (first by id among equals). The demo is seeded the same way every time.
    /// </summary>
    private async Task<(string UserId, JsonElement Profile)> MostEventfulListedPersonAsync()
    {
        var candidates = new List<(string UserId, JsonElement Profile, int Points, string Has)>();
        var listed = (await site.Http.GetFromJsonAsync<JsonElement>(SignInConfigHandler.DevelopmentUsersRoute)).GetProperty("users")
            .EnumerateArray().Select(u => u.GetProperty("userId").GetString()!).ToHashSet(StringComparer.Ordinal);
        foreach (var userId in Enumerable.Range(0, DemoActivity.FirstPeople.Count).Select(DemoPopulation.UserId).Where(listed.Contains))
        {
            var profile = await site.ProfileOfAsync(userId);
            var score = profile.GetProperty("score");
            bool[] has =
            [
                score.GetProperty("moves").GetArrayLength() > 0,
                profile.GetProperty("milestones").GetArrayLength() > 0,
                score.GetProperty("deltas") is { ValueKind: JsonValueKind.Object } deltas && deltas.GetProperty("month").ValueKind == JsonValueKind.Number,
                profile.GetProperty("plusK").GetProperty("receivedTotal").GetInt32() > 0,
                profile.GetProperty("topics").EnumerateArray().Any(t => t.GetProperty("evidence").GetProperty("context").GetArrayLength() > 0),
            ];
            candidates.Add((userId, profile, has.Count(h => h), string.Concat(has.Select(h => h ? '1' : '0'))));
        }

        var best = candidates.OrderByDescending(c => c.Points).ThenBy(c => c.UserId, StringComparer.Ordinal).First();
        Assert.True(best.Points == 5, $"no listed person has moves, milestones, a month's change, +K and a topic settled by context: {string.Join(", ", candidates.Select(c => $"{c.UserId}={c.Has}"))} (moves, milestones, month, +K, settled topic)");
        return (best.UserId, best.Profile);
    }

    [GeneratedRegex(@"\b[a-z]+\.[a-z]+_[a-z_]+\b")]
    private static partial Regex DriverId();
}
