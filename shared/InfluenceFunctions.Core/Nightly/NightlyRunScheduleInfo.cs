using Microsoft.Extensions.Options;
using NCrontab;

namespace InfluenceFunctions.Nightly;

/// <summary>When the next nightly run is due, from the same CRON setting the timer uses.</summary>
public sealed class NightlyRunScheduleInfo(IOptions<InfluenceOptions> options, TimeProvider clock)
{
    private readonly CrontabSchedule schedule = Parse(options.Value.NightlySchedule);

    public static CrontabSchedule Parse(string cron) =>
        CrontabSchedule.Parse(cron, new CrontabSchedule.ParseOptions { IncludingSeconds = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });

    public DateTimeOffset NextRunUtc() => NextRunAfter(clock.GetUtcNow());

    public DateTimeOffset NextRunAfter(DateTimeOffset time) =>
        new(DateTime.SpecifyKind(schedule.GetNextOccurrence(time.UtcDateTime), DateTimeKind.Utc));
}
