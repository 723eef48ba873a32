namespace InfluenceFunctions.Domain;

/// <summary>A milestone score crossed on a night: up (from below it to it or above) or down (from it or above to below).</summary>
public sealed record MilestoneCrossing(DateOnly Day, int Milestone, bool Up, int PreviousScore, int Score);

/// <summary>
/// The scores people (and webhook subscribers) are told about when crossed either way: 25, 50, 75 and 90. A person's
/// page lists the crossings along their history; the nightly run sends score.milestone events for the night's own.
/// </summary>
public static class ScoreMilestones
{
    public static IReadOnlyList<int> Values { get; } = [25, 50, 75, 90];

    /// <summary>The milestones crossed between two scores (empty when none): up when previous &lt; m &lt;= current, down when current &lt; m &lt;= previous.</summary>
    public static IReadOnlyList<int> Crossed(int previous, int current) =>
        Values.Where(m => (previous < m && m <= current) || (current < m && m <= previous)).ToList();

    /// <summary>
    /// Every crossing along a history of nights (oldest first; a null score is an unscored night), each night compared
    /// with the scored night before it, newest crossing first.
    /// </summary>
    public static IReadOnlyList<MilestoneCrossing> Along(IEnumerable<(DateOnly Day, int? Score)> nights)
    {
        ArgumentNullException.ThrowIfNull(nights);
        var crossings = new List<MilestoneCrossing>();
        int? previous = null;
        foreach (var (day, score) in nights)
        {
            if (score is not { } current)
            {
                continue;
            }

            if (previous is { } before)
            {
                crossings.AddRange(Crossed(before, current).Select(m => new MilestoneCrossing(day, m, current > before, before, current)));
            }

            previous = current;
        }

        crossings.Reverse();
        return crossings;
    }
}
