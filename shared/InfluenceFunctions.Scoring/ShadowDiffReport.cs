namespace InfluenceFunctions.Scoring;

/// <summary>One user's live and shadow results, the input of <see cref="ShadowDiffReport"/>.</summary>
public readonly record struct ShadowPair(string UserId, ScoreResult Live, ScoreResult Shadow);

/// <summary>How one version's scores are spread. Percentiles are nearest-rank over scored users.</summary>
/// <param name="Histogram">Histogram[s - 1] is the number of users with score s.</param>
public sealed record ScoreDistribution(
    int Scored, int Unscored, double Mean, int P50, int P90, int P99, double ShareAbove80, IReadOnlyList<int> Histogram);

/// <summary>A user whose score differs most between the versions (both scored).</summary>
public sealed record ShadowMover(string UserId, int LiveScore, int ShadowScore, int Change);

/// <summary>
/// Live against shadow before a switch: both distributions, the mean, median and mean absolute change over users
/// scored by both, the share of them that would move more than <see cref="SmallMove"/> points, the biggest movers, and
/// how many users changed status. At a switch the median user should move at most <see cref="SmallMove"/> points
/// (issue 12, requirement 7); whoever moves more sees the move "the score model changed from {live} to {shadow}".
/// </summary>
/// <param name="MedianChange">The median of shadow - live (nearest rank, over users scored by both).</param>
/// <param name="MedianAbsoluteChange">The median of |shadow - live|: how far the median user moves.</param>
/// <param name="ShareMovingMoreThanSmallMove">The share of users scored by both whose score moves more than <see cref="SmallMove"/> points.</param>
public sealed record ShadowDiffReport(
    string LiveVersion,
    string ShadowVersion,
    int Users,
    ScoreDistribution Live,
    ScoreDistribution Shadow,
    int ScoredByBoth,
    double MeanChange,
    double MeanAbsoluteChange,
    int P99AbsoluteChange,
    IReadOnlyList<ShadowMover> BiggestMovers,
    int BecameScored,
    int BecameUnscored,
    int MedianChange = 0,
    int MedianAbsoluteChange = 0,
    double ShareMovingMoreThanSmallMove = 0)
{
    /// <summary>A move of at most this many points at a switch counts as small (requirement 7: the median user's).</summary>
    public const int SmallMove = 3;

    /// <summary>Builds the report in one pass; memory is constant apart from the <paramref name="topMovers"/> kept.</summary>
    public static ShadowDiffReport Build(IEnumerable<ShadowPair> pairs, int topMovers = 20)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var builder = new ShadowDiffBuilder(topMovers);
        foreach (var pair in pairs)
        {
            builder.Add(pair.UserId, pair.Live, pair.Shadow);
        }

        return builder.Build();
    }
}

/// <summary>One version's scores over some users, in a form that adds up: Histogram[s - 1] users scored s.</summary>
public sealed record ScoreCounts(long[] Histogram, int Unscored, long Sum);

/// <summary>
/// What a <see cref="ShadowDiffBuilder"/> has seen, in a size that does not depend on the number of users (histograms
/// over the 100 score points and the top movers), so each shard of a night hands on its own and the night merges them
/// (<see cref="ShadowDiffBuilder.Add(ShadowDiffSummary)"/>) into the same report one builder over every user would make.
/// <see cref="Changes"/>[c + 99] counts users whose score changed by c (-99..99); null in a summary from before it existed.
/// </summary>
public sealed record ShadowDiffSummary(
    string LiveVersion,
    string ShadowVersion,
    int Users,
    ScoreCounts Live,
    ScoreCounts Shadow,
    int ScoredByBoth,
    long ChangeSum,
    long AbsoluteChangeSum,
    long[] AbsoluteChanges,
    int BecameScored,
    int BecameUnscored,
    int TopMovers,
    IReadOnlyList<ShadowMover> Movers,
    long[]? Changes = null);

/// <summary>Streaming form of <see cref="ShadowDiffReport.Build"/>, for runs that see users in batches.</summary>
public sealed class ShadowDiffBuilder
{
    private readonly int topMovers;
    private readonly Histogram live = new();
    private readonly Histogram shadow = new();
    private readonly long[] absoluteChanges = new long[Calibration.Points];
    private readonly long[] changes = new long[(2 * Calibration.Points) - 1];
    private readonly PriorityQueue<ShadowMover, (int Size, string UserId)> movers = new(Comparer<(int Size, string UserId)>.Create(Compare));
    private string? liveVersion;
    private string? shadowVersion;
    private int users;
    private int both;
    private long changeSum;
    private long absoluteChangeSum;
    private int becameScored;
    private int becameUnscored;

    public ShadowDiffBuilder(int topMovers = 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(topMovers);
        this.topMovers = topMovers;
    }

    public void Add(string userId, ScoreResult liveResult, ScoreResult shadowResult)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(liveResult);
        ArgumentNullException.ThrowIfNull(shadowResult);
        liveVersion ??= liveResult.ModelVersion;
        shadowVersion ??= shadowResult.ModelVersion;
        users++;
        live.Add(liveResult.Score);
        shadow.Add(shadowResult.Score);
        switch (liveResult.Score, shadowResult.Score)
        {
            case (int before, int after):
                both++;
                var change = after - before;
                changeSum += change;
                absoluteChangeSum += Math.Abs(change);
                absoluteChanges[Math.Min(Math.Abs(change), Calibration.Points - 1)]++;
                changes[Math.Clamp(change, 1 - Calibration.Points, Calibration.Points - 1) + Calibration.Points - 1]++;
                Consider(new ShadowMover(userId, before, after, change));
                break;
            case (null, int):
                becameScored++;
                break;
            case (int, null):
                becameUnscored++;
                break;
        }
    }

    /// <summary>Everything seen so far, bounded: the top movers kept and fixed-size histograms.</summary>
    public ShadowDiffSummary Summary() => new(
        liveVersion ?? string.Empty,
        shadowVersion ?? string.Empty,
        users,
        live.Counts(),
        shadow.Counts(),
        both,
        changeSum,
        absoluteChangeSum,
        (long[])absoluteChanges.Clone(),
        becameScored,
        becameUnscored,
        topMovers,
        SortedMovers(),
        (long[])changes.Clone());

    /// <summary>Adds what another builder saw (another shard's users): the report is then the one over both sets of users.</summary>
    public void Add(ShadowDiffSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (summary.Users == 0)
        {
            return;
        }

        liveVersion ??= summary.LiveVersion;
        shadowVersion ??= summary.ShadowVersion;
        users += summary.Users;
        live.Add(summary.Live);
        shadow.Add(summary.Shadow);
        both += summary.ScoredByBoth;
        changeSum += summary.ChangeSum;
        absoluteChangeSum += summary.AbsoluteChangeSum;
        for (var i = 0; i < absoluteChanges.Length && i < summary.AbsoluteChanges.Length; i++)
        {
            absoluteChanges[i] += summary.AbsoluteChanges[i];
        }

        for (var i = 0; summary.Changes is not null && i < changes.Length && i < summary.Changes.Length; i++)
        {
            changes[i] += summary.Changes[i];
        }

        becameScored += summary.BecameScored;
        becameUnscored += summary.BecameUnscored;
        foreach (var mover in summary.Movers)
        {
            Consider(mover);
        }
    }

    public ShadowDiffReport Build() => new(
        liveVersion ?? string.Empty,
        shadowVersion ?? string.Empty,
        users,
        live.Distribution(),
        shadow.Distribution(),
        both,
        both > 0 ? (double)changeSum / both : 0,
        both > 0 ? (double)absoluteChangeSum / both : 0,
        both > 0 ? Histogram.NearestRank(absoluteChanges, both, 0.99) : 0,
        SortedMovers(),
        becameScored,
        becameUnscored,
        both > 0 ? Histogram.NearestRank(changes, both, 0.50) - (Calibration.Points - 1) : 0,
        both > 0 ? Histogram.NearestRank(absoluteChanges, both, 0.50) : 0,
        both > 0 ? (double)absoluteChanges.Skip(ShadowDiffReport.SmallMove + 1).Sum() / both : 0);

    private void Consider(ShadowMover mover)
    {
        if (topMovers == 0)
        {
            return;
        }

        // A min-queue of the largest |change| so far; ties keep the smaller user id.
        var priority = (Math.Abs(mover.Change), mover.UserId);
        if (movers.Count < topMovers)
        {
            movers.Enqueue(mover, priority);
        }
        else if (movers.TryPeek(out _, out var smallest) && Compare(priority, smallest) > 0)
        {
            movers.EnqueueDequeue(mover, priority);
        }
    }

    private ShadowMover[] SortedMovers()
    {
        var result = movers.UnorderedItems.Select(i => i.Element).ToArray();
        Array.Sort(result, static (a, b) =>
        {
            var bySize = Math.Abs(b.Change).CompareTo(Math.Abs(a.Change));
            return bySize != 0 ? bySize : string.CompareOrdinal(a.UserId, b.UserId);
        });
        return result;
    }

    private static int Compare((int Size, string UserId) a, (int Size, string UserId) b)
    {
        var bySize = a.Size.CompareTo(b.Size);
        return bySize != 0 ? bySize : string.CompareOrdinal(b.UserId, a.UserId);
    }

    private sealed class Histogram
    {
        private readonly long[] counts = new long[Calibration.Points];
        private int scored;
        private int unscored;
        private long sum;

        public void Add(int? score)
        {
            if (score is int s)
            {
                counts[Math.Clamp(s, 1, Calibration.Points) - 1]++;
                scored++;
                sum += s;
            }
            else
            {
                unscored++;
            }
        }

        public ScoreCounts Counts() => new((long[])counts.Clone(), unscored, sum);

        public void Add(ScoreCounts other)
        {
            for (var i = 0; i < counts.Length && i < other.Histogram.Length; i++)
            {
                counts[i] += other.Histogram[i];
                scored += (int)other.Histogram[i];
            }

            unscored += other.Unscored;
            sum += other.Sum;
        }

        public ScoreDistribution Distribution()
        {
            long above80 = 0;
            for (var s = 81; s <= Calibration.Points; s++)
            {
                above80 += counts[s - 1];
            }

            return new ScoreDistribution(
                scored,
                unscored,
                scored > 0 ? (double)sum / scored : 0,
                scored > 0 ? NearestRank(counts, scored, 0.50) + 1 : 0,
                scored > 0 ? NearestRank(counts, scored, 0.90) + 1 : 0,
                scored > 0 ? NearestRank(counts, scored, 0.99) + 1 : 0,
                scored > 0 ? (double)above80 / scored : 0,
                counts.Select(c => (int)c).ToArray());
        }

        /// <summary>The bucket index holding the nearest-rank percentile.</summary>
        public static int NearestRank(long[] buckets, int total, double percentile)
        {
            var rank = (long)Math.Ceiling(percentile * total);
            long seen = 0;
            for (var i = 0; i < buckets.Length; i++)
            {
                seen += buckets[i];
                if (seen >= rank)
                {
                    return i;
                }
            }

            return buckets.Length - 1;
        }
    }
}
