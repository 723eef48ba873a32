using InfluenceFunctions.Api;
using InfluenceFunctions.Domain.Ingestion;
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
}
