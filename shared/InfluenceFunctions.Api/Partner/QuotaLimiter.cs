using System.Collections.Concurrent;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;

namespace InfluenceFunctions.Api.Partner;

/// <summary>The quota's answer: allowed, or refused with how long to wait.</summary>
public readonly record struct QuotaDecision(bool Allowed, TimeSpan RetryAfter, string? Window);

/// <summary>
/// Per-key fixed windows (one UTC minute, one UTC day), counted in this process only. With several instances a
/// key can get up to (instances x quota); windows start over when an instance restarts. Why this is enough,
/// and what would replace it: docs/decisions/0004-partner-quota-in-process.md.
/// </summary>
public sealed class QuotaLimiter(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Counter> counters = new(StringComparer.Ordinal);

    public QuotaDecision TryTake(ApiKeyGrant key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = clock.GetUtcNow();
        var counter = counters.GetOrAdd(key.KeyId, static _ => new Counter());
        lock (counter)
        {
            var minute = now.ToUnixTimeSeconds() / 60;
            var day = now.ToUnixTimeSeconds() / 86_400;
            if (counter.Minute != minute)
            {
                counter.Minute = minute;
                counter.InMinute = 0;
            }

            if (counter.Day != day)
            {
                counter.Day = day;
                counter.InDay = 0;
            }

            if (counter.InDay >= key.RequestsPerDay)
            {
                return new QuotaDecision(false, Until(now, (day + 1) * 86_400), "day");
            }

            if (counter.InMinute >= key.RequestsPerMinute)
            {
                return new QuotaDecision(false, Until(now, (minute + 1) * 60), "minute");
            }

            counter.InMinute++;
            counter.InDay++;
            return new QuotaDecision(true, TimeSpan.Zero, null);
        }
    }

    private static TimeSpan Until(DateTimeOffset now, long unixSeconds)
    {
        var wait = DateTimeOffset.FromUnixTimeSeconds(unixSeconds) - now;
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
    }

    private sealed class Counter
    {
        public long Minute { get; set; } = -1;

        public long Day { get; set; } = -1;

        public int InMinute { get; set; }

        public int InDay { get; set; }
    }
}
