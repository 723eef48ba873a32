namespace InfluenceFunctions.Evaluation;

/// <summary>How well a ranking agrees with the truth.</summary>
/// <param name="Spearman">Spearman's rank correlation (ties take their average rank).</param>
/// <param name="TopPrecision">
/// Share of the predicted top 1% that is in the true top 1%; when the boundary falls inside a run of tied predictions,
/// the run counts in proportion (the expected precision under random tie-breaking).
/// </param>
/// <param name="TopDistinct">Distinct predicted values among the predicted top 1%.</param>
/// <param name="TopTied">Share of the predicted top 1% whose value someone else in it shares.</param>
/// <param name="Count">People ranked.</param>
public sealed record RankAgreement(double Spearman, double TopPrecision, int TopDistinct, double TopTied, int Count);

public static class RankMetrics
{
    /// <summary>Share of the population that is "the top".</summary>
    public const double TopShare = 0.01;

    public static RankAgreement Agreement(IReadOnlyList<double> predicted, IReadOnlyList<double> truth)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(truth);
        if (predicted.Count != truth.Count)
        {
            throw new ArgumentException("One prediction per truth.", nameof(predicted));
        }

        var n = predicted.Count;
        if (n < 2)
        {
            return new RankAgreement(double.NaN, double.NaN, 0, 0, n);
        }

        var spearman = Pearson(Ranks(predicted), Ranks(truth));
        var k = Math.Max(1, (int)Math.Round(TopShare * n));
        var trueTop = new HashSet<int>(Enumerable.Range(0, n).OrderByDescending(i => truth[i]).Take(k));
        var order = Enumerable.Range(0, n).OrderByDescending(i => predicted[i]).ToArray();
        var boundary = predicted[order[k - 1]];
        double hits = 0, taken = 0;
        var above = order.TakeWhile(i => predicted[i] > boundary).ToList();
        var tied = order.Where(i => predicted[i] == boundary).ToList();
        foreach (var i in above)
        {
            hits += trueTop.Contains(i) ? 1 : 0;
            taken++;
        }

        var share = (k - taken) / tied.Count; // each tied person is taken with this probability
        foreach (var i in tied)
        {
            hits += trueTop.Contains(i) ? share : 0;
        }

        var topValues = order.Take(k).Select(i => predicted[i]).ToList();
        var distinct = topValues.Distinct().Count();
        var counts = topValues.GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());
        var tiedShare = topValues.Count(v => counts[v] > 1) / (double)k;
        return new RankAgreement(spearman, hits / k, distinct, tiedShare, n);
    }

    /// <summary>Ranks 1..n, ties at their average rank.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            var rank = ((start + end) / 2.0) + 1;
            for (var j = start; j <= end; j++)
            {
                ranks[order[j]] = rank;
            }

            start = end + 1;
        }

        return ranks;
    }

    public static double Pearson(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var n = a.Count;
        double meanA = a.Average(), meanB = b.Average(), cov = 0, varA = 0, varB = 0;
        for (var i = 0; i < n; i++)
        {
            cov += (a[i] - meanA) * (b[i] - meanB);
            varA += (a[i] - meanA) * (a[i] - meanA);
            varB += (b[i] - meanB) * (b[i] - meanB);
        }

        return varA > 0 && varB > 0 ? cov / Math.Sqrt(varA * varB) : 0;
    }
}
