namespace InfluenceFunctions.Scoring;

/// <summary>
/// Decayed, burst-damped daily averages of a window's views and saves (<see cref="NetworkWindow.ExtendedValues"/>),
/// by the same rules as <see cref="WindowStatistics"/>: days weigh less with age, a day without data is unknown, and no
/// day counts for more than twice the signal's second-busiest day (or its average day, or 2). Views keep coming
/// while the author rests, so no rest-day weighting.
/// </summary>
internal static class ExtendedStatistics
{
    /// <summary>Views and saves per day (NaN: not in the window), and the days that have either.</summary>
    public static (double Views, double Saves, UInt128 Days) Compute(NetworkWindow window)
    {
        if (window.ExtendedValues is not { } values)
        {
            return (double.NaN, double.NaN, UInt128.Zero);
        }

        var views = Average(values, 0, out var viewDays);
        var saves = Average(values, 1, out var saveDays);
        return (views, saves, viewDays | saveDays);
    }

    private static double Average(float[] values, int signal, out UInt128 days)
    {
        const int stride = ScoringWindow.ExtendedSignalCount;
        var weights = WindowStatistics.DayWeights;
        double first = 0, second = 0, weighted = 0, weight = 0;
        days = UInt128.Zero;
        for (var d = 0; d < ScoringWindow.Days; d++)
        {
            var value = values[(d * stride) + signal];
            if (float.IsNaN(value))
            {
                continue;
            }

            var x = Math.Max(value, 0);
            days |= UInt128.One << d;
            second = Math.Max(second, Math.Min(first, x));
            first = Math.Max(first, x);
            weighted += x * weights[d];
            weight += weights[d];
        }

        if (!(weight > 0))
        {
            return double.NaN;
        }

        var cap = Math.Max(Math.Max(ScoreModelV1.BurstCapMultiple * second, ScoreModelV1.BurstCapMultiple * weighted / weight), ScoreModelV1.MinimumBurstCap);
        if (first <= cap)
        {
            return weighted / weight;
        }

        weighted = 0;
        for (var d = 0; d < ScoringWindow.Days; d++)
        {
            var value = values[(d * stride) + signal];
            if (!float.IsNaN(value))
            {
                weighted += Math.Min(Math.Max(value, 0), cap) * weights[d];
            }
        }

        return weighted / weight;
    }
}
