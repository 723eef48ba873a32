using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace InfluenceFunctions.BrowserTests;

/// <summary>
/// The local host as a person meets it (development sign-in on) over its own Azurite, seeded by the site, and one
/// headless Debian Chromium for the tests that use it.
/// </summary>
public abstract class BrowserSite : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/lib/chromium/chromium";

    private AzuriteProcess? azurite;
    private WebApplication? app;
    private IPlaywright? playwright;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public IServiceProvider Services => app!.Services;

    /// <summary>How long the set-up took (Azurite, host, seeding and nights, Chromium), for the report.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>Uncaught script errors on any page: a test fails on one.</summary>
    public List<string> PageErrors { get; } = [];

    /// <summary>Settings of this site, over the ones every site has.</summary>
    protected abstract IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The site's clock; null for the system's.</summary>
    protected virtual TimeProvider? SiteClock => null;

    public async Task InitializeAsync()
    {
        var started = DateTime.UtcNow;
        azurite = await AzuriteProcess.StartAsync(null, CancellationToken.None);
        app = LocalApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = azurite.ConnectionString,
                ["Influence:TablePrefix"] = "b" + Guid.NewGuid().ToString("N")[..12],
                ["LocalHost:RunSchedule"] = "false",
                ["LocalHost:RunWebhooks"] = "false",
                // What Program.cs sets when it trusts its own development key: the page's demo-user sign-in.
                ["SignIn:Development"] = "true",
                ["Auth:Issuer"] = "http://127.0.0.1/influence-browser-tests",
                ["Auth:Audience"] = "influence-browser-tests",
                ["Auth:SigningKeys:0"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            });
            builder.Configuration.AddInMemoryCollection(Settings);
            if (SiteClock is { } clock)
            {
                builder.Services.AddSingleton(clock);
            }

            builder.WebHost.UseUrls("http://127.0.0.1:0");
        });
        await app.StartAsync();
        await app.Services.GetRequiredService<InfluenceTables>().CreateIfNotExistsAsync(CancellationToken.None);
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        await SeedAsync();

        // Expectations wait as long as actions do: a machine shared with other builds can take more than 5 s to sign in.
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
        StartupTime = DateTime.UtcNow - started;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        Http?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }

    /// <summary>A fresh browser context (its own session storage, so signed out) and a page in it.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => PageErrors.Add(error);
        return page;
    }

    /// <summary>A development token, from the same local-host route the page uses.</summary>
    public async Task<string> TokenForAsync(string userId)
    {
        using var response = await Http.PostAsJsonAsync("/api/dev/token", new { userId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>GET /api/v1/users/{userId}/profile as that person.</summary>
    public async Task<JsonElement> ProfileOfAsync(string userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/users/{userId}/profile");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenForAsync(userId));
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    protected abstract Task SeedAsync();
}
