namespace InfluenceFunctions.Scoring;

/// <summary>
/// Quantiles of a population known only through a bounded summary: a uniform sample of it (for the body) and its
/// largest values (for the top), plus its size. Past the largest value the top is extended with an exponential tail
/// fitted to the largest values (peaks over a threshold), so a quantile always exists and keeps rising. The largest
/// values are trusted for their upper half only: a top list chosen under yesterday's scales and recomputed under
/// today's may miss some of today's top near its lower end. A sample that holds the whole population is used as is.
/// </summary>
internal static class TailQuantiles
{
    /// <param name="uniformSorted">A uniform sample of the population, ascending.</param>
    /// <param name="topDescending">The population's largest values, descending (may be empty).</param>
    /// <param name="population">How many values the population has (at least the sample and the top).</param>
    /// <param name="p">The quantile, 0-1.</param>
    public static double Quantile(ReadOnlySpan<double> uniformSorted, ReadOnlySpan<double> topDescending, long population, double p)
    {
        var n = Math.Max(population, Math.Max(uniformSorted.Length, topDescending.Length));
        if (n == 0)
        {
            return double.NaN;
        }

        if (uniformSorted.Length >= n)
        {
            // Everybody is in the sample: exact, with the tail past its largest value.
            var all = uniformSorted.Length;
            var top = Math.Min(all, Math.Max(2, topDescending.Length));
            var largest = new double[top];
            for (var i = 0; i < top; i++)
            {
                largest[i] = uniformSorted[all - 1 - i];
            }

            topDescending = largest;
        }

        // Expected number of values above the quantile; the i-th largest value (1-based) sits at i - 0.5.
        var above = (1 - p) * n;
        var m = topDescending.Length;
        var trusted = uniformSorted.Length >= n ? m : Math.Max(1, m / 2);
        if (m > 0 && above <= trusted - 0.5)
        {
            if (above < 0.5)
            {
                return topDescending[0] + (TailScale(topDescending[..trusted]) * Math.Log(0.5 / Math.Max(above, 1e-300)));
            }

            var position = above - 0.5; // 0-based, fractional
            var i = (int)Math.Floor(position);
            var j = Math.Min(i + 1, m - 1);
            return topDescending[i] + ((topDescending[j] - topDescending[i]) * (position - i));
        }

        if (uniformSorted.Length == 0)
        {
            return m > 0 ? topDescending[trusted - 1] : double.NaN;
        }

        var k = uniformSorted.Length;
        var at = Math.Clamp((p * k) - 0.5, 0, k - 1);
        var lo = (int)Math.Floor(at);
        var hi = Math.Min(lo + 1, k - 1);
        var value = uniformSorted[lo] + ((uniformSorted[hi] - uniformSorted[lo]) * (at - lo));

        // The sample's noise must not put the body above the trusted top.
        return m > 0 ? Math.Min(value, topDescending[trusted - 1]) : value;
    }

    /// <summary>The exponential tail's scale: the mean excess of the largest values over the smallest of them.</summary>
    public static double TailScale(ReadOnlySpan<double> topDescending)
    {
        var m = topDescending.Length;
        if (m < 2)
        {
            return 0;
        }

        var threshold = topDescending[m - 1];
        double excess = 0;
        for (var i = 0; i < m - 1; i++)
        {
            excess += topDescending[i] - threshold;
        }

        return Math.Max(0, excess / (m - 1));
    }
}
