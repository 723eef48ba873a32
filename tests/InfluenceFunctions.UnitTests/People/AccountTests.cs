using Azure.Data.Tables;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain.People;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.People;
using InfluenceFunctions.Workflows.People;

namespace InfluenceFunctions.UnitTests.People;

public sealed class AccountTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("facebook", null, "facebook")]
    [InlineData("facebook", "profile", "facebook")]
    [InlineData("facebook", "page", "facebookpage")]
    [InlineData("twitter", null, "twitter")]
    public void ShouldResolveAProfileOrAPageToItsStoredNetwork(string network, string? kind, string stored) =>
        Assert.Equal((stored, null), ConnectableNetworks.Resolve(network, kind));

    [Theory]
    [InlineData("myspace", null)]
    [InlineData("facebookpage", null)] // A page is asked for with kind "page", never by its stored name.
    [InlineData("twitter", "page")]
    [InlineData("facebook", "group")]
    [InlineData(null, null)]
    public void ShouldRefuseAnUnknownNetworkOrKind(string? network, string? kind) =>
        Assert.NotNull(ConnectableNetworks.Resolve(network, kind).Error);

    [Theory]
    [InlineData(" @Alice ", "alice")]
    [InlineData("alice@mastodon.social", "alice@mastodon.social")]
    [InlineData("a/b", null)]
    [InlineData("", null)]
    [InlineData("@", null)]
    public void ShouldNormalizeHandlesSoOneAccountHasOneKey(string handle, string? expected) =>
        Assert.Equal(expected, ConnectableNetworks.NormalizeAccount(handle));

    [Fact]
    public void ShouldBeEligibleOnlyWhenOptedInWithAConnection()
    {
        var row = AccountRows.NewRow("0001", "alice", Monday, []);
        Assert.False(AccountRows.Quick(row).Eligible);
        Assert.True(AccountRows.Read(row).OptedIn);

        var connected = AccountRows.NewRow("0001", "alice", Monday, [new Connection("twitter", "alice", Monday), new Connection("facebookpage", "bakery", Monday)]);
        Assert.True(AccountRows.Quick(connected).Eligible);
        Assert.Equal(["facebookpage", "twitter"], AccountRows.Quick(connected).Networks);
        Assert.False(AccountRows.Quick(new TableEntity("0001", "bob")).Eligible);
    }

    [Fact]
    public void ShouldForgetDisconnectionsAfterThirtyDays()
    {
        var row = new TableEntity("0001", "alice");
        AccountRows.Write(new Account("alice", Monday, [], [new Disconnection("twitter", Monday.AddDays(-31)), new Disconnection("tiktok", Monday.AddDays(-2))]), row, Monday);
        Assert.Equal(["tiktok"], AccountRows.Read(row).Disconnections.Select(d => d.Network));
    }

    [Fact]
    public void ShouldNameThePersonsOwnConnectionChangeInTheExplanation()
    {
        var row = new TableEntity("0001", "alice");
        AccountRows.Write(new Account("alice", Monday, [new Connection("instagram", "alice.pics", Monday)], [new Disconnection("tiktok", Monday)]), row, Monday);
        var result = new ScoreResult("v1", ScoreStatus.Scored, null, 40, 1, 1, 1, 1, 20, new Dictionary<string, double>(),
        [
            new ScoreMove("instagram.connected", "instagram has data now", 1.5),
            new ScoreMove("tiktok.connected", "tiktok has no data in the window any more", -0.8),
            new ScoreMove("youtube.connected", "youtube has no data in the window any more", -0.2),
            new ScoreMove("twitter.reshares_received", "reshares received fell", -1),
        ]);

        var moves = ConnectionMoves.Describe(result, () => AccountRows.Read(row)).Moves.Select(m => m.Description).ToList();
        Assert.Equal(
            ["you connected instagram (@alice.pics) on 2026-11-23", "you disconnected tiktok on 2026-11-23", "youtube has no data in the window any more", "reshares received fell"],
            moves);
    }
}
