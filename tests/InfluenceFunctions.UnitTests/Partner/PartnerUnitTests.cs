using System.Xml.Linq;
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
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace InfluenceFunctions.UnitTests.Partner;

public sealed class QuotaLimiterTests
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void ShouldRefuseOverTheMinuteQuotaUntilTheNextMinute()
    {
        var clock = new Clock(new DateTimeOffset(2026, 11, 28, 10, 0, 45, TimeSpan.Zero));
        var limiter = new QuotaLimiter(clock);
        var key = new ApiKeyGrant("k1", "test", 2, 1000);
        Assert.True(limiter.TryTake(key).Allowed);
        Assert.True(limiter.TryTake(key).Allowed);
        var refused = limiter.TryTake(key);
        Assert.False(refused.Allowed);
        Assert.Equal("minute", refused.Window);
        Assert.Equal(TimeSpan.FromSeconds(15), refused.RetryAfter);
        Assert.True(limiter.TryTake(key with { KeyId = "k2" }).Allowed); // Per key.
        clock.Now = clock.Now.AddSeconds(15);
        Assert.True(limiter.TryTake(key).Allowed);
    }

    [Fact]
    public void ShouldRefuseOverTheDayQuotaUntilMidnightUtc()
    {
        var clock = new Clock(new DateTimeOffset(2026, 11, 28, 23, 0, 0, TimeSpan.Zero));
        var limiter = new QuotaLimiter(clock);
        var key = new ApiKeyGrant("k1", "test", 100, 1);
        Assert.True(limiter.TryTake(key).Allowed);
        var refused = limiter.TryTake(key);
        Assert.Equal("day", refused.Window);
        Assert.Equal(TimeSpan.FromHours(1), refused.RetryAfter);
        clock.Now = clock.Now.AddHours(1);
        Assert.True(limiter.TryTake(key).Allowed);
    }
}

public sealed class ApiKeyHasherTests
{
    [Fact]
    public void ShouldHashWithThePepperSoAnotherPepperGivesAnotherHash()
    {
        static ApiKeyHasher With(string? pepper) => new(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ApiKeyHasher.PepperSetting] = pepper }).Build(),
            NullLogger<ApiKeyHasher>.Instance);
        var key = "ifk_0123456789ab_" + new string('x', 43);
        Assert.Equal(With("a").Hash(key), With("a").Hash(key));
        Assert.NotEqual(With("a").Hash(key), With("b").Hash(key));
        Assert.Equal(With(ApiKeyHasher.DevelopmentPepper).Hash(key), With(null).Hash(key));
        Assert.Equal(64, With("a").Hash(key).Length);
        Assert.DoesNotContain("xxxx", With("a").Hash(key), StringComparison.Ordinal);
    }
}

public sealed class ScoreCardTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Theory]
    [InlineData("plain")]
    [InlineData("a&b<c>\"d'")]
    [InlineData("émile 💩 ✓")]
    [InlineData("\ud800lone surrogate\u0001")]
    [InlineData("a very long user id that goes on and on well past the width of the card itself")]
    public void ShouldRenderWellFormedSvgWithTheScoreWhateverTheUserId(string userId)
    {
        var days = Enumerable.Range(0, 90).Select(i => i % 17 == 0 ? (int?)null : 40 + (i / 3)).ToArray();
        var card = new ScoreCardData(userId, 71, null, new ComponentsView(80, 60.5, 70), new DateOnly(2026, 11, 27), "v1", -3, days, [new TopicBadge("r&b <music>", 0.9)]);
        var svg = XDocument.Parse(ScoreCard.Render(card));
        var texts = svg.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("71", texts);
        Assert.Contains("▼ 3 this week", texts);
        Assert.Contains("r&b <music>", texts);
        Assert.Contains("80", texts); // Components, rounded.
        Assert.Contains("70", texts);
    }

    [Fact]
    public void ShouldRenderAnUnscoredCardWithTheReasonAndTheEmptyTopicsSlot()
    {
        var card = new ScoreCardData("new", null, "Not enough data yet.", null, null, null, null, [], []);
        var svg = XDocument.Parse(ScoreCard.Render(card));
        var texts = svg.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("Not scored yet", texts);
        Assert.Contains("Not enough data yet.", texts);
        Assert.Contains("topics appear here once they are known", texts);
        Assert.Empty(svg.Descendants(Svg + "path"));
    }
}

public sealed class CachedResourceTests
{
    [Fact]
    public async Task ShouldAnswer304ForAMatchingETagAnd200WithMaxAgeOtherwise()
    {
        var resource = CachedResource.JsonBody(new { score = 42 }, TimeSpan.FromSeconds(90.7));
        var first = await RunAsync(resource, null);
        Assert.Equal(200, first.StatusCode);
        Assert.Equal("private, max-age=90", first.Headers.CacheControl.ToString());
        Assert.Equal(resource.ETag, first.Headers.ETag.ToString());
        Assert.Equal(304, (await RunAsync(resource, resource.ETag)).StatusCode);
        Assert.Equal(304, (await RunAsync(resource, "\"other\", W/" + resource.ETag)).StatusCode);
        Assert.Equal(200, (await RunAsync(resource, "\"other\"")).StatusCode);
        Assert.NotEqual(resource.ETag, CachedResource.JsonBody(new { score = 43 }, TimeSpan.Zero).ETag);
    }

    private static async Task<HttpResponse> RunAsync(IResult result, string? ifNoneMatch)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        if (ifNoneMatch is not null)
        {
            context.Request.Headers.IfNoneMatch = ifNoneMatch;
        }

        await result.ExecuteAsync(context);
        return context.Response;
    }
}
