using InfluenceFunctions.Api;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Ingestion;

namespace InfluenceFunctions.UnitTests.Core;

public sealed class IngestionValidatorTests
{
    private static readonly DateOnly Today = new(2026, 11, 28);

    [Fact]
    public void ShouldAcceptAWellFormedBatch()
    {
        var batch = new IngestionBatch
        {
            Signals = [new SignalItem { UserId = "alice", Network = "twitter", Day = "2026-11-27", Posts = 2, Reshares = 1.5 }],
            Engagements = [new EngagementItem { From = "bob", To = "alice", Day = "2026-11-27", Count = 3 }],
        };
        Assert.Empty(IngestionValidator.Validate(batch, Today));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-0.5)]
    [InlineData(2e12)]
    public void ShouldRejectCountsThatAreNegativeOrNotFinite(double value)
    {
        var batch = new IngestionBatch { Signals = [new SignalItem { UserId = "alice", Network = "twitter", Day = "2026-11-27", Reshares = value }] };
        var errors = IngestionValidator.Validate(batch, Today);
        Assert.Contains("signals[0].reshares", errors.Keys);
    }

    [Fact]
    public void ShouldRejectTooManyItems()
    {
        var batch = new IngestionBatch
        {
            Signals = Enumerable.Range(0, IngestionValidator.MaxSignals + 1)
                .Select(i => (SignalItem?)new SignalItem { UserId = "u" + i, Network = "twitter", Day = "2026-11-27", Posts = 1 }).ToList(),
        };
        Assert.Contains("signals", IngestionValidator.Validate(batch, Today).Keys);
    }

    [Fact]
    public void ShouldRejectTheSameUserNetworkAndDayTwice()
    {
        var item = new SignalItem { UserId = "alice", Network = "twitter", Day = "2026-11-27", Posts = 1 };
        var errors = IngestionValidator.Validate(new IngestionBatch { Signals = [item, item] }, Today);
        Assert.Contains("signals[1]", errors.Keys);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\tb")]
    [InlineData("   ")]
    public void ShouldRejectUserIdsTableKeysForbid(string userId) => Assert.NotNull(IngestionValidator.ValidateUserId(userId));

    [Theory]
    [InlineData("alice")]
    [InlineData("user_123-x.y")]
    [InlineData("名前")]
    public void ShouldAcceptOrdinaryUserIds(string userId) => Assert.Null(IngestionValidator.ValidateUserId(userId));

    [Fact]
    public void ShouldRejectDaysTooOldOrInTheFuture()
    {
        var batch = new IngestionBatch
        {
            Signals =
            [
                new SignalItem { UserId = "a", Network = "twitter", Day = Today.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Posts = 1 },
                new SignalItem { UserId = "b", Network = "twitter", Day = Today.AddDays(-200).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Posts = 1 },
            ],
        };
        var errors = IngestionValidator.Validate(batch, Today);
        Assert.Contains("signals[0].day", errors.Keys);
        Assert.Contains("signals[1].day", errors.Keys);
    }

    [Theory]
    [InlineData("tiktok", "listMemberships", "tiktok has no list memberships")]
    [InlineData("instagram", "reshares", "instagram has no reshares")]
    [InlineData("youtube", "mentionsReceived", "youtube has no mentions")]
    [InlineData("youtube", "uniqueEngagers", "youtube has no named engaging accounts")]
    [InlineData("mastodon", "views", "mastodon has no views")]
    [InlineData("facebook", "saves", "facebook has no saves")]
    public void ShouldRejectASignalItsNetworkDoesNotHaveEvenAsZero(string network, string field, string message)
    {
        foreach (var value in new[] { 0.0, 12 })
        {
            var item = new SignalItem { UserId = "alice", Network = network, Day = "2026-11-27", Posts = 1 };
            typeof(SignalItem).GetProperty(char.ToUpperInvariant(field[0]) + field[1..])!.SetValue(item, value);
            var errors = IngestionValidator.Validate(new IngestionBatch { Signals = [item] }, Today);

            Assert.Equal([$"signals[0].{field}"], errors.Keys);
            Assert.StartsWith(message, Assert.Single(errors[$"signals[0].{field}"]), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ShouldAcceptExactlyTheSignalsEachNetworksVocabularyNames()
    {
        foreach (var network in Networks.All)
        {
            var vocabulary = NetworkVocabulary.For(network);
            foreach (var (field, signal, _) in new SignalItem().Counts())
            {
                var item = new SignalItem { UserId = "alice", Network = network, Day = "2026-11-27" };
                typeof(SignalItem).GetProperty(char.ToUpperInvariant(field[0]) + field[1..])!.SetValue(item, 3.0);
                Assert.Equal(item.Counts().Single(c => c.Field == field).Signal, signal);

                var errors = IngestionValidator.Validate(new IngestionBatch { Signals = [item] }, Today);
                Assert.True(vocabulary.Exposes(signal) == (errors.Count == 0), $"{network}.{field}: {string.Join("; ", errors.SelectMany(e => e.Value))}");
            }
        }
    }

    [Fact]
    public void ShouldCarryViewsAndSavesApartFromTheV1Signals()
    {
        var item = new SignalItem { UserId = "alice", Network = "tiktok", Day = "2026-11-27", Posts = 2, Views = 5_000, Saves = 40 };
        var signals = item.ToSignals();

        Assert.Equal(ScoringWindow.SignalCount, signals.Length);
        Assert.Equal(2, signals[(int)SignalKind.Posts]);
        Assert.True(float.IsNaN(signals[(int)SignalKind.Reactions]), "a signal left out is no data, not zero");
        Assert.Equal([5_000f, 40f], item.ToExtendedSignals());
        Assert.True(item.HasExtendedSignals);
        Assert.False(new SignalItem { Posts = 1 }.HasExtendedSignals);
        Assert.True(float.IsNaN(new SignalItem { Views = 1 }.ToExtendedSignals()[1]), "saves left out stay NaN beside reported views");
    }

    [Fact]
    public void ShouldKnowTheSameNetworksAsTheScoreModelsVocabulary()
    {
        Assert.Equal(NetworkVocabulary.Known.Select(v => v.Network), Networks.All);
        Assert.Contains("threads", Networks.All);
        var unknown = IngestionValidator.Validate(new IngestionBatch { Signals = [new SignalItem { UserId = "a", Network = "myspace", Day = "2026-11-27", Posts = 1 }] }, Today);
        Assert.Contains("threads", Assert.Single(unknown["signals[0].network"]), StringComparison.Ordinal);
    }
}
