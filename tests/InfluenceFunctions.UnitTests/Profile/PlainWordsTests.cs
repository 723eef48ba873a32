using InfluenceFunctions.Api.Auth;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.Profile;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.UnitTests.Profile;

/// <summary>What the profile page says in words: moves as sentences (never driver ids), network names, what to do when unscored.</summary>
public sealed class PlainWordsTests
{
    private static readonly DateTimeOffset NextRun = new(2026, 11, 29, 2, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("twitter.reactions_per_day", "reactions received on twitter rose 12%", 0.84, "Reactions received on X (Twitter) rose 12%, adding 0.8 points.")]
    [InlineData("facebookpage.engagers_per_day", "engagers per day on facebookpage fell 3%", -0.31, "Engagers per day on your Facebook page fell 3%, taking away 0.3 points.")]
    [InlineData("instagram.connected", "you connected instagram (@twitterfan.official) on 2026-11-28", 1.04, "You connected Instagram (@twitterfan.official) on 2026-11-28, adding 1.0 point.")]
    [InlineData("youtube.connected", "youtube has no data in the window any more", -2, "YouTube has no data in the window any more, taking away 2.0 points.")]
    [InlineData("model.calibration", "the population scale was recalibrated", 0.3, "The population scale was recalibrated, adding 0.3 points.")]
    [InlineData("network.ring_share", "share of engagement from a closed circle of accounts engaging each other rose from 5% to 8%", -0.5, "Share of engagement from a closed circle of accounts engaging each other rose from 5% to 8%, taking away 0.5 points.")]
    [InlineData("bluesky.audience", "", 0.2, "One of your signals changed, adding 0.2 points.")]
    [InlineData("bluesky.audience", "bluesky.reactions_per_day moved", 0.2, "One of your signals changed, adding 0.2 points.")]
    public void ShouldSayAMoveAsASentenceWithNetworkNamesAndPoints(string driver, string description, double points, string expected) =>
        Assert.Equal(expected, PlainWords.Sentence(new ScoreMove(driver, description, points)));

    [Fact]
    public void ShouldNeverLeaveANetworkIdOrADriverIdInASentence()
    {
        foreach (var network in Networks.All)
        {
            foreach (var suffix in ScoreDrivers.NetworkSuffixes)
            {
                var sentence = PlainWords.Sentence(new ScoreMove(ScoreDrivers.Key(network, suffix), $"{suffix.Replace('_', ' ')} on {network} rose 4%", 0.5));
                Assert.DoesNotContain(network, sentence, StringComparison.Ordinal); // Names are capitalised: "YouTube", never "youtube".
                Assert.DoesNotContain(ScoreDrivers.Key(network, suffix), sentence, StringComparison.Ordinal);
                Assert.Contains(PlainWords.NetworkName(network).Replace("Facebook page", "your Facebook page", StringComparison.Ordinal), sentence, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("no connected network", "Connect a network below")]
    [InlineData("only 3 days with data in the last 90 days; at least 7 are needed", "keep your networks connected")]
    [InlineData("no posts and no engagement received in the last 90 days", "post on a connected network")]
    [InlineData(ScoreViews.NotScoredYet, "the next nightly recalculation (2026-11-29 02:00 UTC) scores it")]
    public void ShouldSayWhatAnUnscoredPersonCanDo(string reason, string advice) =>
        Assert.Contains(advice, PlainWords.WhatNext(reason, NextRun), StringComparison.Ordinal);

    [Fact]
    public void ShouldTellThePageHowToSignIn()
    {
        static SignInConfig Config(SignInOptions signIn, AuthOptions auth)
        {
            var result = (Microsoft.AspNetCore.Http.HttpResults.Ok<SignInConfig>)new SignInConfigHandler(Options.Create(signIn), Options.Create(auth)).Get();
            return result.Value!;
        }

        var development = Config(new SignInOptions { Development = true }, new AuthOptions());
        Assert.Equal(("development", "/api/dev/users", "/api/dev/token"), (development.Mode, development.UsersUrl, development.TokenUrl));

        var oidc = Config(
            new SignInOptions { ClientId = "spa-client", Scope = "openid api://influence/user" },
            new AuthOptions { Issuer = "https://login.example/tenant/v2.0", Audience = "api://influence", MetadataAddress = "https://login.example/tenant/v2.0/.well-known/openid-configuration" });
        Assert.Equal(("oidc", "spa-client", "openid api://influence/user"), (oidc.Mode, oidc.ClientId, oidc.Scope));
        Assert.Equal("https://login.example/tenant/v2.0/.well-known/openid-configuration", oidc.MetadataAddress);

        var none = Config(new SignInOptions(), new AuthOptions { Issuer = "https://login.example/", Audience = "api://influence", SigningKeys = ["k"] });
        Assert.Equal("none", none.Mode);
        Assert.Contains("SignIn:ClientId", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShouldServeEveryFileOfWebFromTheAssemblyByteForByte()
    {
        var root = FindRepoRoot();
        var onDisk = Directory.EnumerateFiles(Path.Combine(root, "web"), "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(Path.Combine(root, "web"), f).Replace('\\', '/'), File.ReadAllBytes, StringComparer.Ordinal);
        var assets = new WebAssets();
        Assert.Equal(onDisk.Keys.Order(StringComparer.Ordinal), assets.Files.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, bytes) in onDisk)
        {
            Assert.Equal(bytes, assets.Files[path].Content);
        }

        // The folder without its slash redirects (the pages link relatively); unknown and traversing paths are 404 problems.
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        async Task<HttpContext> ServeAsync(string requestPath, string? path)
        {
            var context = new DefaultHttpContext { RequestServices = services };
            context.Request.Path = requestPath;
            context.Response.Body = new MemoryStream();
            await assets.Serve("profile", path, context.Request).ExecuteAsync(context);
            return context;
        }

        Assert.Equal("/profile/", (await ServeAsync("/profile", null)).Response.Headers.Location.ToString());
        var index = await ServeAsync("/profile/", null);
        Assert.Equal(200, index.Response.StatusCode);
        Assert.Equal(onDisk["profile/index.html"], ((MemoryStream)index.Response.Body).ToArray());
        Assert.Contains("frame-ancestors 'none'", index.Response.Headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);
        foreach (var path in new[] { "nope.js", "../card/index.html", "%2e%2e/x", "index.html/" })
        {
            Assert.Equal(404, (await ServeAsync("/profile/" + path, path)).Response.StatusCode);
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "InfluenceFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No InfluenceFunctions.sln above the test output.");
    }
}
