using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Webhooks;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Webhooks;
using InfluenceFunctions.Workflows.Webhooks;

namespace InfluenceFunctions.UnitTests.Webhooks;

public sealed class WebhookSigningTests
{
    [Fact]
    public void ShouldReproduceTheStandardWebhooksTestVector()
    {
        // The published Standard Webhooks / Svix reference vector: a receiver library must accept what we send.
        var signature = WebhookSigning.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, Encoding.UTF8.GetBytes("{\"test\": 2432232314}"));
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void ShouldSendOneSignaturePerSecretSpaceSeparated()
    {
        var body = Encoding.UTF8.GetBytes("{}");
        var header = WebhookSigning.Header(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_" + Convert.ToBase64String(new byte[32])], "evt_1", 5, body);
        var parts = header.Split(' ');
        Assert.Equal(2, parts.Length);
        Assert.All(parts, p => Assert.StartsWith("v1,", p, StringComparison.Ordinal));
        Assert.NotEqual(parts[0], parts[1]);
    }

    [Fact]
    public void ShouldMakeSecretsWithThePrefixAndAtLeast24RandomBytes()
    {
        var a = WebhookSigning.NewSecret();
        var b = WebhookSigning.NewSecret();
        Assert.StartsWith("whsec_", a, StringComparison.Ordinal);
        Assert.True(WebhookSigning.KeyOf(a).Length >= 24);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void ShouldEncryptSecretsBoundToTheirEndpoint()
    {
        var protector = new WebhookSecretProtector(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [WebhookOptions.MasterKeySetting] = "test-master-key" }).Build(), NullLogger<WebhookSecretProtector>.Instance);
        var secret = WebhookSigning.NewSecret();
        var stored = protector.Protect(secret, "partner1", "ep_1");
        Assert.DoesNotContain(secret[6..], stored, StringComparison.Ordinal);
        Assert.Equal(secret, protector.Unprotect(stored, "partner1", "ep_1"));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => protector.Unprotect(stored, "partner1", "ep_2"));

        var otherKey = new WebhookSecretProtector(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [WebhookOptions.MasterKeySetting] = "another-key" }).Build(), NullLogger<WebhookSecretProtector>.Instance);
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => otherKey.Unprotect(stored, "partner1", "ep_1"));
    }
}

public sealed class WebhookAddressTests
{
    [Theory]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("169.254.169.254", "metadata")]
    [InlineData("169.254.10.10", "link-local")]
    [InlineData("168.63.129.16", "Azure")]
    [InlineData("100.64.0.1", "carrier-grade")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("::1", "loopback")]
    [InlineData("::", "unspecified")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fd12:3456::1", "unique-local")]
    [InlineData("fd00:ec2::254", "metadata")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:169.254.169.254", "metadata")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("64:ff9b::a00:1", "private")]
    [InlineData("2002:c0a8:0101::1", "private")]
    [InlineData("2001:db8::1", "documentation")]
    public void ShouldRefuseNonPublicAddressesNamingWhy(string address, string reason)
    {
        var why = AddressClassifier.WhyBlocked(IPAddress.Parse(address));
        Assert.NotNull(why);
        Assert.Contains(reason, why, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void ShouldAllowPublicAddresses(string address) => Assert.Null(AddressClassifier.WhyBlocked(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://example.com/hook", "https")]
    [InlineData("ftp://example.com/hook", "http(s)")]
    [InlineData("https://user:pw@example.com/hook", "user name")]
    [InlineData("https://example.com/hook#x", "fragment")]
    [InlineData("/relative", "http(s)")]
    [InlineData("", "absolute")]
    public void ShouldRefuseUrlsOfTheWrongForm(string url, string reason)
    {
        var policy = new WebhookAddressPolicy(Options.Create(new WebhookOptions()));
        Assert.Contains(reason, policy.CheckForm(url, out _), StringComparison.Ordinal);
    }

    [Fact]
    public void ShouldAllowPlainHttpOnlyToAllowListedHosts()
    {
        var options = new WebhookOptions();
        options.AllowedHttpHosts.Add("127.0.0.1");
        var policy = new WebhookAddressPolicy(Options.Create(options));
        Assert.Null(policy.CheckForm("http://127.0.0.1:5000/hook", out _));
        Assert.NotNull(policy.CheckForm("http://localhost:5000/hook", out _));
    }

    [Fact]
    public async Task ShouldRefuseAPrivateLiteralAtRegistrationAndAtConnection()
    {
        var policy = new WebhookAddressPolicy(Options.Create(new WebhookOptions()));
        Assert.Contains("cloud metadata", await policy.CheckAddressesAsync(new Uri("https://169.254.169.254/latest"), CancellationToken.None), StringComparison.Ordinal);
        Assert.Contains("loopback", await policy.CheckAddressesAsync(new Uri("https://[::ffff:127.0.0.1]/"), CancellationToken.None), StringComparison.Ordinal);

        // The delivery client's connect callback refuses too, before any socket is opened.
        using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = policy.ConnectAsync, UseProxy = false });
        var e = await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.PostAsync(new Uri("http://127.0.0.1:9/hook"), new StringContent("{}")));
        Assert.Contains(Chain(e), x => x is WebhookAddressRefusedException);
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
        }
    }
}

public sealed class WebhookEventTests
{
    [Theory]
    [InlineData(20, 30, new[] { 25 })]
    [InlineData(30, 20, new[] { 25 })]
    [InlineData(24, 25, new[] { 25 })]
    [InlineData(25, 24, new[] { 25 })]
    [InlineData(25, 26, new int[0])]
    [InlineData(10, 95, new[] { 25, 50, 75, 90 })]
    [InlineData(91, 74, new[] { 75, 90 })]
    [InlineData(50, 50, new int[0])]
    public void ShouldFindTheMilestonesCrossedEitherWay(int previous, int current, int[] expected) =>
        Assert.Equal(expected, WebhookEventTypes.Crossed(previous, current));

    [Fact]
    public void ShouldMakeTheSameIdForTheSameNightUserTypeAndEndpointOnly()
    {
        var day = new DateOnly(2026, 11, 27);
        var id = WebhookEventIds.For(day, "u001", WebhookEventType.ScoreChanged.Name(), "ep_1");
        Assert.Equal(id, WebhookEventIds.For(day, "u001", WebhookEventType.ScoreChanged.Name(), "ep_1"));
        Assert.True(WebhookEventIds.LooksValid(id));
        Assert.StartsWith("evt_20261127_", id, StringComparison.Ordinal);
        Assert.NotEqual(id, WebhookEventIds.For(day.AddDays(1), "u001", WebhookEventType.ScoreChanged.Name(), "ep_1"));
        Assert.NotEqual(id, WebhookEventIds.For(day, "u002", WebhookEventType.ScoreChanged.Name(), "ep_1"));
        Assert.NotEqual(id, WebhookEventIds.For(day, "u001", WebhookEventType.ScoreMilestone.Name(), "ep_1"));
        Assert.NotEqual(id, WebhookEventIds.For(day, "u001", WebhookEventType.ScoreChanged.Name(), "ep_2"));
        var (from, to) = WebhookEventIds.DayRange(day);
        Assert.True(string.CompareOrdinal(id, from) >= 0 && string.CompareOrdinal(id, to) < 0);
    }

    [Fact]
    public void ShouldRetryOverAboutThreeDaysByDefault()
    {
        var schedule = WebhookRetry.Schedule(new WebhookOptions());
        var total = schedule.Aggregate(TimeSpan.Zero, (a, b) => a + b);
        Assert.InRange(total.TotalDays, 2.5, 3.5);
        Assert.Equal(TimeSpan.FromMinutes(1), schedule[0]);
        Assert.True(schedule.Zip(schedule.Skip(1)).All(p => p.Second >= p.First), "delays never shrink");
        Assert.All(schedule, d => Assert.True(d <= TimeSpan.FromHours(12)));
    }

    [Fact]
    public void ShouldJitterAndHonourRetryAfterUpToTheCap()
    {
        var options = new WebhookOptions();
        Assert.Equal(TimeSpan.FromSeconds(48), WebhookRetry.Delay(options, 1, null, 0));
        Assert.Equal(TimeSpan.FromSeconds(72), WebhookRetry.Delay(options, 1, null, 1));
        Assert.Equal(TimeSpan.FromMinutes(10), WebhookRetry.Delay(options, 1, TimeSpan.FromMinutes(10), 0.5));
        Assert.Equal(TimeSpan.FromHours(12), WebhookRetry.Delay(options, 1, TimeSpan.FromDays(30), 0.5));
    }
}
