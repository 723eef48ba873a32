using Azure.Data.Tables;
using InfluenceFunctions.Domain.People;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage.People;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Seeding;

/// <summary>
/// A synthetic population for demos and benchmarks, deterministic for a seed: heavy-tailed audiences
/// (log-normal), heavy-tailed activity and engagement, one to four networks per user, 90 days of daily
/// signals with weekly rhythm (only the signals each network's vocabulary names: views and saves in their own column
/// where it has them, no list memberships where it has no lists), some vacations and some users with too little
/// data, and who-engaged-whom edges drawn by popularity (plus a few small reciprocal rings). Rows go straight to the
/// signals table in 100-entity transactions, the layout ingestion produces.
/// </summary>
public sealed class DemoPopulation(InfluenceTables tables, InfluenceOptions options)
{
    public static string UserId(int index) => "user" + index.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Days of signals up to the last day: the 90-day window by default; more to score earlier nights too (each night
    /// reads the 90 days up to it). The people are the same either way: the days before the last window continue
    /// their pattern (a person who joined in that window has no data before it).
    /// </summary>
    public int SignalDays { get; init; } = ScoringWindow.Days;

    /// <summary>
    /// Momentum of the first people, by index: how much more (or, below 0, less) they post, and engagement they get,
    /// by the last day, rising steadily over the days past the first window; these people also have data on every day.
    /// Empty by default; the local host's demo uses <see cref="FirstPeopleTrends"/> so the people its sign-in lists have
    /// scores that move night to night.
    /// </summary>
    public IReadOnlyList<double> Trends { get; init; } = [];

    /// <summary>
    /// The demo's trends for the first twelve people: most rise, some fall, one holds. Steep enough that model v2, which
    /// measures signals on a log scale and holds a score within its band, moves them most nights (v1's trends were a third).
    /// </summary>
    public static IReadOnlyList<double> FirstPeopleTrends { get; } = [9.0, -0.85, 12.0, 6.0, -0.9, 7.5, 4.5, 10.5, -0.8, 7.5, 6.0, 0];

    /// <summary>What was seeded; <see cref="Networks"/> holds each person's connected networks, by index.</summary>
    public sealed record SeedResult(int Users, long SignalRows, long EngagementEntries, long StorageTransactions, IReadOnlyList<IReadOnlyList<string>> Networks);

    public async Task<SeedResult> SeedAsync(int users, DateOnly lastDay, int seed, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        using var spend = StorageRequestCounter.BeginScope();
        await tables.CreateIfNotExistsAsync(cancellationToken);
        var random = new Random(seed);
        var profiles = Enumerable.Range(0, users).Select(i => Profile.Create(i, random)).ToArray();
        foreach (var trending in profiles.Take(Trends.Count))
        {
            trending.Steady(); // A trend shows best on someone with data all along.
        }

        var keys = profiles.Select(p => UserKeys.Of(UserId(p.Index))).ToArray();
        var inbound = new List<(ulong, int, float)>[users];
        var outbound = new List<(ulong, int, float)>[users];
        for (var i = 0; i < users; i++)
        {
            inbound[i] = [];
            outbound[i] = [];
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(SignalDays, ScoringWindow.Days);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SignalDays, SignalRetention.Days);
        var firstDay = lastDay.DayNumber - SignalDays + 1;
        var windowStart = lastDay.DayNumber - ScoringWindow.Days + 1; // Day indexes count from here (earlier days: negative).
        long edges = 0;
        var popularity = new CumulativeSampler(profiles.Select(p => p.Popularity).ToArray());
        for (var i = 0; i < users; i++)
        {
            var p = profiles[i];
            for (var day = firstDay; day <= lastDay.DayNumber; day++)
            {
                if (!p.Active(day - windowStart))
                {
                    continue;
                }

                var count = Poisson(random, p.OutboundPerDay);
                for (var e = 0; e < count; e++)
                {
                    var target = p.Ring is { } ring && random.NextDouble() < 0.9 ? ring[random.Next(ring.Length)] : popularity.Sample(random);
                    if (target == i || target >= users)
                    {
                        continue;
                    }

                    outbound[i].Add((keys[target], day, 1));
                    inbound[target].Add((keys[i], day, 1));
                    edges++;
                }
            }
        }

        var rows = new List<TableEntity>(users);
        for (var i = 0; i < users; i++)
        {
            rows.Add(BuildRow(profiles[i], inbound[i], outbound[i], firstDay, windowStart, lastDay.DayNumber, random));
            inbound[i] = null!;
            outbound[i] = null!;
        }

        var written = await TableBatches.WriteRowsAsync(tables.Signals, rows, progress, cancellationToken);
        return new SeedResult(users, written, edges, spend.Count, profiles.Select(p => (IReadOnlyList<string>)p.Networks.Select(n => n.Network).ToList()).ToList());

        TableEntity BuildRow(Profile p, List<(ulong, int, float)> inbox, List<(ulong, int, float)> outbox, int first, int indexFrom, int last, Random rng)
        {
            var userId = UserId(p.Index);
            // Every demo person opted in and connected their networks (their handle is their id) on the first day.
            // A person whose data starts later joined then: their connections say so (explanations name the date).
            var optedIn = new DateTimeOffset(DateOnly.FromDayNumber(first + p.FirstDayWithData(indexFrom - first)).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var row = AccountRows.NewRow(Shards.KeyOf(userId, options.ShardCount), userId, optedIn, p.Networks.Select(n => new Connection(n.Network, userId, optedIn)));
            foreach (var (network, audience) in p.Networks)
            {
                // Only what the network really exposes (its vocabulary): a signal it lacks is absent (NaN), never 0.
                var vocabulary = NetworkVocabulary.For(network);
                var series = PackedSeries.Empty();
                var extendedSeries = vocabulary.Exposes(SignalKind.Views) || vocabulary.Exposes(SignalKind.Saves) ? PackedSeries.EmptyExtended() : null;
                var values = new float[ScoringWindow.SignalCount];
                var extended = new float[ScoringWindow.ExtendedSignalCount];
                for (var day = first; day <= last; day++)
                {
                    if (!p.HasData(day - indexFrom))
                    {
                        continue;
                    }

                    var weekday = (DayOfWeek)((day + 1) % 7) is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.7 : 1.1;
                    var active = p.Active(day - indexFrom);
                    var momentum = Momentum(p.Index, day, first, last);
                    var posts = active ? Poisson(rng, p.PostsPerDay * weekday * momentum) : 0;
                    var reach = audience * p.EngagementRate * posts * momentum;
                    var reactions = Poisson(rng, reach);
                    values[(int)SignalKind.AudienceSize] = (float)Math.Round(audience * (1 + ((day - indexFrom) * p.Growth)));
                    values[(int)SignalKind.Posts] = posts;
                    values[(int)SignalKind.Reactions] = reactions;
                    values[(int)SignalKind.Reshares] = Poisson(rng, reach * 0.12 * p.Shareability);
                    values[(int)SignalKind.Replies] = Poisson(rng, reach * 0.05);
                    values[(int)SignalKind.MentionsReceived] = Poisson(rng, audience * 0.0008 * momentum);
                    values[(int)SignalKind.MentionsSent] = active ? Poisson(rng, p.OutboundPerDay * 0.6) : 0;
                    values[(int)SignalKind.ResharesSent] = active ? Poisson(rng, p.OutboundPerDay * 0.4) : 0;
                    values[(int)SignalKind.UniqueEngagers] = (float)Math.Round(reactions * 0.7);
                    values[(int)SignalKind.ListMemberships] = (float)Math.Round(audience * 0.004);

                    // Views run at about 25 per reaction (plays on video networks, impressions elsewhere); saves at 4%.
                    extended[0] = Poisson(rng, reach * 25);
                    extended[1] = Poisson(rng, reach * 0.04);
                    for (var kind = 0; kind < ScoringWindow.SignalCount; kind++)
                    {
                        values[kind] = vocabulary.Exposes((SignalKind)kind) ? values[kind] : float.NaN;
                    }

                    for (var kind = 0; kind < ScoringWindow.ExtendedSignalCount; kind++)
                    {
                        extended[kind] = vocabulary.Exposes(SignalKind.Views + kind) ? extended[kind] : float.NaN;
                    }

                    series.Set(day, values);
                    extendedSeries?.Set(day, extended);
                }

                row[SignalRows.WindowColumn(network)] = series.Encode();
                if (extendedSeries is not null)
                {
                    row[SignalRows.ExtendedColumn(network)] = extendedSeries.Encode();
                }
            }

            row[SignalRows.InboundColumn] = PackedEngagements.Pack(inbox);
            row[SignalRows.OutboundColumn] = PackedEngagements.Pack(outbox);
            return row;
        }
    }

    /// <summary>
    /// 1 before the first window ends; then a ramp, steepest at the end, to 1 + the person's trend on the last day (the
    /// 90-day window dilutes a change, so a steady ramp stalls the score in the last nights of the demo).
    /// </summary>
    private double Momentum(int index, int day, int first, int last)
    {
        var rampFrom = first + ScoringWindow.Days - 1;
        if (index >= Trends.Count || day <= rampFrom || last == rampFrom)
        {
            return 1;
        }

        var progress = (day - rampFrom) / (double)(last - rampFrom);
        return Math.Max(0.05, 1 + (Trends[index] * progress * progress));
    }

    private static float Poisson(Random random, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 30)
        {
            // Normal approximation for large means.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var normal = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
            return (float)Math.Max(0, Math.Round(mean + (Math.Sqrt(mean) * normal)));
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        var product = random.NextDouble();
        while (product > limit)
        {
            k++;
            product *= random.NextDouble();
        }

        return k;
    }

    private static double LogNormal(Random random, double mu, double sigma)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Exp(mu + (sigma * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2)));
    }

    private sealed class Profile
    {
        public int Index { get; private init; }

        public List<(string Network, double Audience)> Networks { get; } = [];

        public double PostsPerDay { get; private init; }

        public double EngagementRate { get; private init; }

        public double Shareability { get; private init; }

        public double OutboundPerDay { get; private init; }

        public double Growth { get; private init; }

        public double Popularity { get; private init; }

        public int[]? Ring { get; private set; }

        /// <summary>Days with no data at all (new users, sparse users).</summary>
        private int DataFromDay { get; set; }

        private (int From, int To)? Vacation { get; set; }

        /// <summary>Data on every day, no break.</summary>
        public void Steady() => (DataFromDay, Vacation) = (0, null);

        public bool HasData(int dayIndex) => DataFromDay == 0 || dayIndex >= DataFromDay;

        /// <summary>Days from the first stored day to the first with data, given how many stored days precede the window.</summary>
        public int FirstDayWithData(int daysBeforeWindow) => DataFromDay == 0 ? 0 : daysBeforeWindow + DataFromDay;

        public bool Active(int dayIndex) => HasData(dayIndex) && !(Vacation is { } v && dayIndex >= v.From && dayIndex < v.To);

        public static Profile Create(int index, Random random)
        {
            var networkCount = random.NextDouble() switch { < 0.3 => 1, < 0.65 => 2, < 0.9 => 3, _ => 4 };
            var audience = LogNormal(random, 6.0, 1.9);
            var engagement = Math.Min(0.2, LogNormal(random, -4.2, 0.9));
            var vacationStart = random.Next(20, 80);
            var profile = new Profile
            {
                Index = index,
                PostsPerDay = LogNormal(random, -0.3, 0.9),
                EngagementRate = engagement,
                Shareability = LogNormal(random, 0, 0.5),
                OutboundPerDay = LogNormal(random, -1.0, 0.8),
                Growth = (random.NextDouble() - 0.3) * 0.004,
                Popularity = audience * engagement,
                DataFromDay = random.NextDouble() < 0.04 ? ScoringWindow.Days - random.Next(1, 5) : random.NextDouble() < 0.1 ? random.Next(10, 60) : 0,
                Vacation = random.NextDouble() < 0.08 ? (vacationStart, vacationStart + 7) : null,
            };
            var pool = Domain.Networks.All.OrderBy(_ => random.Next()).Take(networkCount).ToList();
            for (var n = 0; n < pool.Count; n++)
            {
                profile.Networks.Add((pool[n], Math.Round(audience * (n == 0 ? 1 : LogNormal(random, -1.0, 1.0)))));
            }

            // About 1% of users sit in reciprocal rings of five consecutive indexes.
            if (index % 500 < 5)
            {
                var start = index - (index % 500);
                profile.Ring = Enumerable.Range(start, 5).ToArray();
            }

            return profile;
        }
    }

    /// <summary>Draws an index with probability proportional to its weight.</summary>
    private sealed class CumulativeSampler
    {
        private readonly double[] cumulative;

        public CumulativeSampler(double[] weights)
        {
            cumulative = new double[weights.Length];
            double sum = 0;
            for (var i = 0; i < weights.Length; i++)
            {
                sum += weights[i];
                cumulative[i] = sum;
            }
        }

        public int Sample(Random random)
        {
            var target = random.NextDouble() * cumulative[^1];
            var index = Array.BinarySearch(cumulative, target);
            return Math.Min(cumulative.Length - 1, index < 0 ? ~index : index);
        }
    }
}
