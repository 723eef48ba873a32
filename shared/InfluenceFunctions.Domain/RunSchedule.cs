using NCrontab;

namespace InfluenceFunctions.Domain;

/// <summary>
/// When nightly runs happen, from the CRON setting the Functions timer and the local host's schedule both use
/// (six fields: with seconds; five: without). A run started at an occurrence scores the day before it.
/// </summary>
public sealed class RunSchedule(string cron)
{
    private readonly CrontabSchedule schedule = CrontabSchedule.Parse(
        cron, new CrontabSchedule.ParseOptions { IncludingSeconds = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });

    public DateTimeOffset NextRunAfter(DateTimeOffset time) =>
        new(DateTime.SpecifyKind(schedule.GetNextOccurrence(time.UtcDateTime), DateTimeKind.Utc));

    /// <summary>The night the newest occurrence at or before <paramref name="now"/> scores (its day minus one).</summary>
    public DateOnly LatestScheduledNight(DateTimeOffset now)
    {
        var last = schedule.GetNextOccurrences(now.UtcDateTime.AddDays(-8), now.UtcDateTime.AddTicks(1)).LastOrDefault();
        return last == default ? DateOnly.MinValue : DateOnly.FromDateTime(last).AddDays(-1);
    }
}
