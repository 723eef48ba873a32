using InfluenceFunctions.Domain;

namespace InfluenceFunctions.UnitTests.Profile;

public sealed class ScoreMilestonesTests
{
    private static readonly DateOnly Day1 = new(2026, 11, 1);

    [Fact]
    public void ShouldFindEachCrossingAlongTheHistoryAgainstTheLastScoredNightNewestFirst()
    {
        int?[] scores = [48, 49, null, 51, 52, 76, 74, 24];
        var crossings = ScoreMilestones.Along(scores.Select((s, i) => (Day1.AddDays(i), s)));

        Assert.Equal(
            [
                (Day1.AddDays(7), 50, false), (Day1.AddDays(7), 25, false), // 74 to 24: down through 50 and 25, on the same night.
                (Day1.AddDays(6), 75, false),
                (Day1.AddDays(5), 75, true),
                (Day1.AddDays(3), 50, true), // 49, an unscored night, then 51: crossed on the night it showed.
            ],
            crossings.Select(c => (c.Day, c.Milestone, c.Up)).OrderByDescending(c => c.Day).ThenByDescending(c => c.Milestone));
        var up = crossings.Single(c => c.Milestone == 50 && c.Up);
        Assert.Equal((49, 51), (up.PreviousScore, up.Score));
        Assert.Empty(ScoreMilestones.Along([(Day1, 50), (Day1.AddDays(1), 50), (Day1.AddDays(2), null)]));
    }
}
