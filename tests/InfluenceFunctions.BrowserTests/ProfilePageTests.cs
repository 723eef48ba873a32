using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace InfluenceFunctions.BrowserTests;

/// <summary>
/// The profile page as a person uses it, in Chromium: sign in by picking a demo user, read the score, its chart and
/// what moved it, hide a topic (and see it leave the public card), give +K, connect and disconnect a network, download
/// the export, and erase everything through to the card's 404. Every test opens its own browser context (signed out).
/// </summary>
[Collection(ProfileSiteCollection.Name)]
public sealed partial class ProfilePageTests(ProfileSite site, ITestOutputHelper output) : IAsyncLifetime
{
    private IPage page = null!;

    public async Task InitializeAsync() => page = await site.NewPageAsync();

    public async Task DisposeAsync()
    {
        await page.Context.CloseAsync();
        Assert.True(site.PageErrors.Count == 0, "Script errors: " + string.Join("\n", site.PageErrors));
    }

    [Fact]
    public async Task ShouldListDemoUsersAndSignInByKeyboardAsTheOneChosen()
    {
        await page.GotoAsync("/profile/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to see your influence" })).ToBeVisibleAsync();
        var demoUsers = page.Locator("#demo-users button");
        await Expect(demoUsers).ToHaveCountAsync(12); // The first 12 people by id: u000..u011.
        await Expect(demoUsers.First).ToContainTextAsync("u000");

        await page.Locator("[data-user=u005]").FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("#who-name")).ToHaveTextAsync("u005");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your influence score" })).ToBeVisibleAsync();
        var expected = (await site.ProfileOfAsync("u005")).GetProperty("score").GetProperty("score").GetInt32();
        await Expect(page.Locator("#score-value .score-number")).ToHaveTextAsync(expected.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Signed in for this tab only: a reload stays signed in, signing out goes back to the list.
        await page.ReloadAsync();
        await Expect(page.Locator("#who-name")).ToHaveTextAsync("u005");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(demoUsers).ToHaveCountAsync(12);
    }

    [Fact]
    public async Task ShouldShowTheScoreItsComponentsAndItsNightsOnTheHistoryChart()
    {
        await SignInAsync("u005");
        var profile = await site.ProfileOfAsync("u005");
        var score = profile.GetProperty("score");
        var components = score.GetProperty("components");
        foreach (var (name, label) in new[] { ("reach", "Reach"), ("amplification", "Amplification"), ("network", "Network") })
        {
            var meter = page.GetByRole(AriaRole.Meter, new() { Name = label });
            await Expect(meter).ToHaveAttributeAsync("aria-valuenow", Math.Round(components.GetProperty(name).GetDouble()).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // Six nights were run: the API sends 365 days; the chart draws the six nights over their own stretch (from a week
        // before the first, 45 days at least, not a sliver at the end of a year), and says so.
        var history = profile.GetProperty("history");
        Assert.Equal(364, DateOnly.Parse(history.GetProperty("to").GetString()!, System.Globalization.CultureInfo.InvariantCulture).DayNumber
            - DateOnly.Parse(history.GetProperty("from").GetString()!, System.Globalization.CultureInfo.InvariantCulture).DayNumber);
        var chart = page.GetByRole(AriaRole.Img, new() { Name = "Your score, night by night, since 13 Oct 2026" }); // 45 days before the 27th.
        await Expect(chart).ToBeVisibleAsync();
        var nights = ProfileSite.Nights.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(ProfileSite.Nights, history.GetProperty("days").GetArrayLength());
        await Expect(chart.Locator("path.line")).ToHaveAttributeAsync("data-points", nights);
        await Expect(chart.Locator("circle.dot")).ToHaveCountAsync(ProfileSite.Nights);
        await Expect(page.Locator("#history-caption")).ToContainTextAsync($"{nights} scored nights");
        await Expect(chart.Locator("text.latest-label")).ToHaveTextAsync(score.GetProperty("score").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));

        // The week's change and the day's are there (the nights before were scored).
        await Expect(page.Locator(".deltas")).ToContainTextAsync("since the night before");
    }

    [Fact]
    public async Task ShouldSayNotMeasuredForAComponentNothingWasMeasuredForNeverABarAtZero()
    {
        // Model v2 sends null for a component none of the person's networks measure (a YouTube channel with no comments
        // and nobody named engaging has no Amplification and no Network). The page is given that profile.
        var profile = JsonNode.Parse((await site.ProfileOfAsync("u005")).GetRawText())!;
        var components = profile["score"]!["components"]!;
        components["amplification"] = null;
        components["network"] = null;
        var reach = Math.Round(components["reach"]!.GetValue<double>()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await page.RouteAsync("**/api/v1/users/u005/profile", route => route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = profile.ToJsonString() }));

        await SignInAsync("u005");

        await Expect(page.GetByRole(AriaRole.Meter, new() { Name = "Reach" })).ToHaveAttributeAsync("aria-valuenow", reach);
        await Expect(page.GetByRole(AriaRole.Meter)).ToHaveCountAsync(1); // No meter at all for the absent two.
        foreach (var name in new[] { "amplification", "network" })
        {
            await Expect(page.Locator($".component-{name} .component-value")).ToHaveTextAsync("not measured");
            await Expect(page.Locator($".component-{name} .bar-fill")).ToHaveCountAsync(0);
        }

        Assert.DoesNotContain("NaN", await page.Locator("#score-body").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShouldSayWhatMovedInPlainSentencesNeverDriverIds()
    {
        await SignInAsync("u005");
        var moves = page.Locator("#moves li");
        var count = await moves.CountAsync();
        Assert.True(count > 0, "the growing signals should have moved the score between the last two nights");
        foreach (var text in await moves.AllInnerTextsAsync())
        {
            Assert.Matches(@"^[▲▼]\s*[A-Z].*, (adding|taking away) \d+\.\d points?\.$", text.Trim());
        }

        await Expect(page.Locator("#moves-body")).ToContainTextAsync("Since the night of");
        var visibleText = await page.Locator("main").InnerTextAsync();
        Assert.DoesNotMatch(DriverId(), visibleText);
    }

    [Fact]
    public async Task ShouldHideAndUnhideATopicAndKeepAHiddenOneOffThePublicCard()
    {
        await SignInAsync("u005");
        var twins = page.Locator("[data-topic=minnesota-twins]");
        await Expect(twins).ToBeVisibleAsync();
        await Expect(twins.Locator("details")).ToContainTextAsync("Target Field");
        Assert.Contains("Minnesota Twins", await CardTextAsync("u005"), StringComparison.Ordinal);

        var toggle = twins.GetByRole(AriaRole.Button, new() { Name = "Hide Minnesota Twins" });
        await toggle.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(twins.Locator(".badge")).ToHaveTextAsync("Hidden from others");
        await Expect(twins.GetByRole(AriaRole.Button, new() { Name = "Unhide Minnesota Twins" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(twins.GetByRole(AriaRole.Button, new() { Name = "Unhide Minnesota Twins" })).ToBeFocusedAsync();
        Assert.DoesNotContain("Minnesota Twins", await CardTextAsync("u005"), StringComparison.Ordinal);

        await twins.GetByRole(AriaRole.Button, new() { Name = "Unhide Minnesota Twins" }).ClickAsync();
        await Expect(twins.Locator(".badge")).ToHaveCountAsync(0);
        Assert.Contains("Minnesota Twins", await CardTextAsync("u005"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShouldShowPlusKReceivedAndGivePlusKCountingWhatIsLeftToday()
    {
        await SignInAsync("u005");
        await Expect(page.Locator("#plusk-received")).ToContainTextAsync("2 +K in the last 90 days"); // From u003 and u006, before the last night.
        var before = (await site.ProfileOfAsync("u005")).GetProperty("plusK").GetProperty("remainingToday").GetInt32();
        await Expect(page.Locator("#plusk-left")).ToContainTextAsync($"{before} of 5");

        await page.GetByLabel("To (their user id)").FillAsync("u004");
        await page.GetByLabel("For the topic").SelectOptionAsync("coffee");
        await page.GetByRole(AriaRole.Button, new() { Name = "Give +K" }).ClickAsync();

        await Expect(page.Locator("#notice")).ToHaveTextAsync("You gave +K to u004.");
        await Expect(page.Locator("#plusk-left")).ToContainTextAsync($"{before - 1} of 5");
        await Expect(page.Locator("#plusk-given")).ToContainTextAsync("u004 for Coffee");

        // The same gift again is refused by the weekly pair limit, and the page says why.
        await page.GetByLabel("To (their user id)").FillAsync("u004");
        await page.GetByLabel("For the topic").SelectOptionAsync("coffee");
        await page.GetByRole(AriaRole.Button, new() { Name = "Give +K" }).ClickAsync();
        await Expect(page.Locator("#error")).ToContainTextAsync("One +K per receiver and topic");
        await Expect(page.Locator("#plusk-left")).ToContainTextAsync($"{before - 1} of 5");
    }

    [Fact]
    public async Task ShouldConnectAndDisconnectANetwork()
    {
        await SignInAsync("u005");
        await page.GetByRole(AriaRole.Combobox, new() { Name = "Network", Exact = true }).SelectOptionAsync("bluesky");
        await page.GetByLabel("Your account on it (handle or id)").FillAsync("@u005.sky");
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect", Exact = true }).ClickAsync();

        var bluesky = page.Locator("#connections [data-network=bluesky]");
        await Expect(bluesky).ToContainTextAsync("@u005.sky");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Bluesky is connected");
        var account = (await site.ProfileOfAsync("u005")).GetProperty("account");
        Assert.Contains(account.GetProperty("connections").EnumerateArray(), c => c.GetProperty("id").GetString() == "bluesky");

        await bluesky.GetByRole(AriaRole.Button, new() { Name = "Disconnect Bluesky" }).ClickAsync();
        await Expect(bluesky).ToHaveCountAsync(0);
        await Expect(page.Locator("#recently-disconnected")).ToContainTextAsync("Bluesky");
        await Expect(page.Locator("#connections [data-network=twitter]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ShouldDownloadTheExportAsOneJsonFile()
    {
        await SignInAsync("u005");
        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Button, new() { Name = "Download everything stored about you (JSON)" }).ClickAsync());
        Assert.Equal("influence-u005-export.json", download.SuggestedFilename);
        using var export = JsonDocument.Parse(await File.ReadAllTextAsync((await download.PathAsync())!));
        Assert.Equal("u005", export.RootElement.GetProperty("userId").GetString());
        Assert.Contains(export.RootElement.GetProperty("account").GetProperty("connections").EnumerateArray(), c => c.GetProperty("network").GetString() == "twitter");
        Assert.True(export.RootElement.GetProperty("topics").GetProperty("posts").GetArrayLength() > 0);
    }

    [Fact]
    public async Task ShouldEraseEverythingShowingTheSettlingThroughToTheCardsNotFound()
    {
        using (var before = await site.Http.GetAsync("/u/u007"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await SignInAsync("u007");
        await Expect(page.Locator("#settle-time")).ToHaveTextAsync($"{ProfileSite.ErasureSettleSeconds} seconds");
        await page.GetByRole(AriaRole.Button, new() { Name = "Erase my data…" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, erase everything" }).ClickAsync();

        var state = page.Locator("#erasure-state");
        await Expect(state).ToHaveAttributeAsync("data-state", "erasing");
        await Expect(state).ToContainTextAsync($"settles for {ProfileSite.ErasureSettleSeconds} seconds");
        await Expect(page.Locator("#erasure progress")).ToBeVisibleAsync();
        await Expect(state).ToHaveAttributeAsync("data-state", "erased", new() { Timeout = 60_000 });
        await Expect(page.Locator("#profile")).ToBeHiddenAsync();

        using var after = await site.Http.GetAsync("/u/u007");
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        await page.GotoAsync("/u/u007");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No card here" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ShouldSayWhyAPersonIsNotScoredAndWhatToDo()
    {
        await page.GotoAsync("/profile/");
        await page.GetByLabel("Or sign in as another user id").FillAsync("u015");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        var unscored = page.Locator("#unscored");
        await Expect(unscored).ToContainTextAsync("Not scored");
        await Expect(page.Locator("#unscored-reason")).ToHaveTextAsync(new Regex("^Only 3 days with data in the last 90 days; at least \\d+ are needed\\.$"));
        await Expect(unscored).ToContainTextAsync("keep your networks connected");
        await Expect(page.Locator("#score-value")).ToHaveTextAsync("Not scored");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Give +K" })).ToBeDisabledAsync();
    }

    [Fact]
    public async Task ShouldLabelEveryControlAndFitAPhoneScreen()
    {
        await page.SetViewportSizeAsync(375, 812);
        await SignInAsync("u005");
        var unlabelled = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('main button, main input, main select, main a, header button')]
              .filter((el) => el.offsetParent !== null)
              .filter((el) => !((el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.textContent.trim()))
              .map((el) => el.outerHTML.slice(0, 80))
            """);
        Assert.Empty(unlabelled);

        // Nothing wider than the phone: no sideways scrolling.
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"the page is {overflow} px wider than a 375 px screen");

        var card = await site.NewPageAsync(375, 700);
        await card.GotoAsync("/u/u005");
        Assert.True(await card.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0);
        await card.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldServeTheCardPageWithTheCardAndA404ForSomeoneUnknown()
    {
        output.WriteLine($"Set-up (Azurite, host, seeding, {ProfileSite.Nights} nights, Chromium): {site.StartupTime.TotalSeconds:F1} s");
        await page.GotoAsync("/u/u005");
        var card = page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^u005: influence score \\d+$") });
        await Expect(card).ToBeVisibleAsync();

        var missing = await page.GotoAsync("/u/nobody-here");
        Assert.Equal(404, missing!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No card here" })).ToBeVisibleAsync();
    }

    private async Task SignInAsync(string userId)
    {
        await page.GotoAsync("/profile/");
        await page.Locator($"[data-user={userId}]").ClickAsync();
        await Expect(page.Locator("#who-name")).ToHaveTextAsync(userId);
        await Expect(page.Locator("#profile")).ToBeVisibleAsync();
    }

    private async Task<string> CardTextAsync(string userId)
    {
        using var response = await site.Http.GetAsync($"/u/{userId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [GeneratedRegex(@"\b[a-z]+\.[a-z]+_[a-z_]+\b")]
    private static partial Regex DriverId();
}

/// <summary>Where the tests leave screenshots: $INFLUENCE_SCREENSHOTS (docs/ to refresh the committed ones), else the test output.</summary>
public static class Screenshots
{
    public static string PathOf(string name)
    {
        var directory = Environment.GetEnvironmentVariable("INFLUENCE_SCREENSHOTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }
}
