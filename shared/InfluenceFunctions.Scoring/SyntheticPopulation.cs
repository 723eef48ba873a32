namespace InfluenceFunctions.Scoring;

/// <summary>How <see cref="SyntheticPopulation.Create"/> builds its users.</summary>
/// <param name="Users">Number of users to score.</param>
/// <param name="Seed">Everything follows from the seed: the same options give the same population.</param>
/// <param name="Networks">Networks per user; null mixes 1 (60%), 2 (28%) and 3 (12%).</param>
/// <param name="Noise">Poisson day-to-day noise and occasional days without data; false gives every day its rate exactly.</param>
/// <param name="EngagerPool">Accounts that engage the users; they hold the previous-night scores.</param>
/// <param name="EngagersPerDay">
/// Named engagers per day for an active user (about 54 edges in a window at the default); they carry all the
/// reshares, replies and mentions between them.
/// </param>
public sealed record SyntheticOptions(
    int Users, int Seed, int? Networks = null, bool Noise = true, int EngagerPool = 20_000, double EngagersPerDay = 0.6);

/// <summary>
/// A deterministic synthetic population with heavy-tailed activity (log-normal audience, posting and
/// engagement), used to derive the default calibration, by the benchmarks, and by the simulation tests.
/// The engager pool's scores follow <see cref="Calibration.TargetShape"/>; 8% of the pool is flagged new and
/// 10% is unknown to the population. Each user's day d is drawn from a generator seeded by (user, network, d),
/// so consecutive nights see the same days shifted by one.
/// </summary>
public sealed class SyntheticPopulation : IPopulationTableSource
{
    /// <summary>The seed of the population <see cref="ScoreModelV1.DefaultCalibration"/> is derived from.</summary>
    public const int DefaultCalibrationSeed = 20_240_601;

    /// <summary>The size of that population.</summary>
    public const int DefaultCalibrationUsers = 20_000;

    internal static readonly string[] NetworkNames = ["twitter", "mastodon", "bluesky", "threads", "linkedin", "youtube", "tiktok", "reddit"];

    private readonly PopulationTable scores;

    private SyntheticPopulation(PopulationTable scores, ulong[] pool, SyntheticUser[] users)
    {
        this.scores = scores;
        Pool = pool;
        Users = users;
    }

    public IReadOnlyList<SyntheticUser> Users { get; }

    /// <summary>The engager pool's keys, lowest score first.</summary>
    internal ulong[] Pool { get; }

    public static SyntheticPopulation Create(SyntheticOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var random = new SplitMix(Hash((ulong)options.Seed, 0x5EED));
        var poolSize = Math.Max(options.EngagerPool, 100);
        var pool = new ulong[poolSize];
        var scores = new PopulationTable(poolSize);
        for (var i = 0; i < poolSize; i++)
        {
            // Index i sits at percentile i / size, so the pool is sorted by score.
            var score = (byte)Math.Clamp((int)ScoreAtPercentile((i + 0.5) / poolSize), 1, 100);
            var key = Hash((ulong)options.Seed, 0xE000_0000UL + (ulong)i);
            pool[i] = key;
            var draw = random.NextDouble();
            if (draw >= 0.10)
            {
                scores.Set(key, new PopulationEntry(score, draw < 0.18 ? PopulationFlags.New : PopulationFlags.None));
            }
        }

        var users = new SyntheticUser[options.Users];
        for (var u = 0; u < users.Length; u++)
        {
            users[u] = SyntheticUser.Create(options, u, pool, ref random);
        }

        return new SyntheticPopulation(scores, pool, users);
    }

    public bool TryGet(ulong userKey, out PopulationEntry entry) => scores.TryGet(userKey, out entry);

    PopulationTable IPopulationTableSource.Table => scores;

    /// <summary>Every user's input for night <paramref name="night"/> (0 = the first), without yesterday.</summary>
    public ScoringInput[] InputsForNight(int night)
    {
        var inputs = new ScoringInput[Users.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = Users[i].InputForNight(night, null);
        }

        return inputs;
    }

    /// <summary>
    /// The calibration that puts the synthetic population (seed <see cref="DefaultCalibrationSeed"/>,
    /// <see cref="DefaultCalibrationUsers"/> users, day-to-day noise, night 0) on <see cref="Calibration.TargetShape"/>
    /// under <paramref name="model"/>. <see cref="ScoreModelV1.DefaultCalibration"/> holds its knots as constants;
    /// a unit test derives them again and fails when the model changed without them.
    /// </summary>
    public static Calibration DeriveDefaultCalibration(IScoreModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var population = Create(new SyntheticOptions(DefaultCalibrationUsers, DefaultCalibrationSeed));
        var placeholder = new Calibration(model.Version, Enumerable.Range(0, Calibration.Points).Select(i => (double)i).ToArray(), 0);
        var raws = new List<double>(population.Users.Count);
        foreach (var user in population.Users)
        {
            var result = model.Score(user.InputForNight(0, null), population, placeholder);
            if (result.Status == ScoreStatus.Scored)
            {
                raws.Add(result.RawIndex);
            }
        }

        var fitted = Calibration.FromSample(model.Version, raws);
        return new Calibration(model.Version, fitted.Knots, 0);
    }

    /// <summary>The score <see cref="Calibration.TargetShape"/> gives percentile <paramref name="percentile"/>.</summary>
    internal static double ScoreAtPercentile(double percentile)
    {
        var shape = Calibration.TargetShape;
        for (var i = 1; i < shape.Count; i++)
        {
            if (percentile <= shape[i].Percentile)
            {
                var (p0, s0) = shape[i - 1];
                var (p1, s1) = shape[i];
                return s0 + ((s1 - s0) * (percentile - p0) / (p1 - p0));
            }
        }

        return 100;
    }

    internal static ulong Hash(ulong a, ulong b)
    {
        var x = (a * 0x9E3779B97F4A7C15UL) ^ (b + 0x632BE59BD9B4E019UL + (a << 6) + (a >> 2));
        x ^= x >> 31;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 29;
        return x;
    }

    /// <summary>SplitMix64: small, fast and good enough for synthetic data.</summary>
    internal struct SplitMix(ulong state)
    {
        private ulong state = state;

        public ulong Next()
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

        public double NextGaussian()
        {
            var u1 = 1 - NextDouble();
            var u2 = NextDouble();
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        public double NextPoisson(double mean)
        {
            if (mean <= 0)
            {
                return 0;
            }

            if (mean > 30)
            {
                return Math.Max(0, Math.Round(mean + (Math.Sqrt(mean) * NextGaussian())));
            }

            var limit = Math.Exp(-mean);
            var product = NextDouble();
            var k = 0;
            while (product > limit)
            {
                product *= NextDouble();
                k++;
            }

            return k;
        }
    }
}

/// <summary>One synthetic user: steady daily rates per network, a circle of regular engagers, and a seed.</summary>
public sealed class SyntheticUser
{
    private readonly ulong seed;
    private readonly bool noise;
    private readonly double engagersPerDay;
    private readonly NetworkRates[] networks;
    private readonly ulong[] circle;
    private readonly ulong[] pool;

    private SyntheticUser(string userId, ulong seed, bool noise, double engagersPerDay, NetworkRates[] networks, ulong[] circle, ulong[] pool)
    {
        UserId = userId;
        Key = UserKeys.Of(userId);
        this.seed = seed;
        this.noise = noise;
        this.engagersPerDay = engagersPerDay;
        this.networks = networks;
        this.circle = circle;
        this.pool = pool;
    }

    public string UserId { get; }

    public ulong Key { get; }

    /// <summary>A multiplier on every rate the user receives (1 = as created); for "what if" scenarios.</summary>
    public double EngagementScale { get; init; } = 1;

    /// <summary>Reshares received, times this (1 = as created).</summary>
    public double ResharesScale { get; init; } = 1;

    /// <summary>
    /// A multiplier per day of the user's life (night n's window holds days n .. n + 89) on posts and on
    /// everything received that day, engagement edges included; null = 1. For vacations, bursts and such.
    /// </summary>
    public Func<int, double>? ActivityOnDay { get; init; }

    /// <summary>Rates of the user's first network, for tests that need to know the user's size.</summary>
    public double PostsPerDay => networks[0].Posts;

    public int NetworkCount => networks.Length;

    /// <summary>A copy with different scales (same days, same noise).</summary>
    public SyntheticUser With(double engagementScale = 1, double resharesScale = 1, Func<int, double>? activityOnDay = null) =>
        new(UserId, seed, noise, engagersPerDay, networks, circle, pool) { EngagementScale = engagementScale, ResharesScale = resharesScale, ActivityOnDay = activityOnDay };

    /// <summary>The 90-day input of night <paramref name="night"/>: days night .. night + 89 of the user's life.</summary>
    public ScoringInput InputForNight(int night, PreviousScore? yesterday)
    {
        var windows = new NetworkWindow[networks.Length];
        double edgeLikePerDay = 0;
        for (var n = 0; n < networks.Length; n++)
        {
            var rates = networks[n];
            var values = new float[ScoringWindow.Days * ScoringWindow.SignalCount];
            for (var d = 0; d < ScoringWindow.Days; d++)
            {
                var day = night + d;
                var random = new SyntheticPopulation.SplitMix(SyntheticPopulation.Hash(seed, ((ulong)n << 32) | (uint)day));
                var row = values.AsSpan(d * ScoringWindow.SignalCount, ScoringWindow.SignalCount);
                if (noise && random.NextDouble() < 0.02)
                {
                    row.Fill(float.NaN); // the network sent nothing that day
                    continue;
                }

                var activity = ActivityOnDay?.Invoke(day) ?? 1;
                var received = activity * EngagementScale;
                row[(int)SignalKind.AudienceSize] = (float)rates.Audience;
                row[(int)SignalKind.ListMemberships] = (float)rates.Lists;
                row[(int)SignalKind.Posts] = Draw(ref random, rates.Posts * activity);
                row[(int)SignalKind.Reactions] = Draw(ref random, rates.Reactions * received);
                row[(int)SignalKind.Reshares] = Draw(ref random, rates.Reshares * received * ResharesScale);
                row[(int)SignalKind.Replies] = Draw(ref random, rates.Replies * received);
                row[(int)SignalKind.MentionsReceived] = Draw(ref random, rates.Mentions * received);
                row[(int)SignalKind.MentionsSent] = Draw(ref random, rates.MentionsSent * activity);
                row[(int)SignalKind.ResharesSent] = Draw(ref random, rates.ResharesSent * activity);
                row[(int)SignalKind.UniqueEngagers] = Draw(ref random, rates.Engagers * received);
            }

            windows[n] = new NetworkWindow(SyntheticPopulation.NetworkNames[n], values);
            edgeLikePerDay += (rates.Reshares * ResharesScale) + rates.Replies + rates.Mentions;
        }

        edgeLikePerDay *= EngagementScale;
        var inbound = new List<Engagement>(64);
        var outbound = new List<Engagement>(32);

        // A few named engagers a day, carrying all the reshares, replies and mentions.
        var edgesPerDay = Math.Min(edgeLikePerDay, engagersPerDay);
        for (var d = 0; d < ScoringWindow.Days; d++)
        {
            var day = night + d;
            var random = new SyntheticPopulation.SplitMix(SyntheticPopulation.Hash(seed ^ 0xED6E, (uint)day));
            var edges = noise
                ? (int)random.NextPoisson(edgesPerDay)
                : (int)(Math.Floor((day + 1) * edgesPerDay) - Math.Floor(day * edgesPerDay));
            for (var j = 0; j < edges; j++)
            {
                var engager = random.NextDouble() < 0.7 ? circle[(int)(random.Next() % (ulong)circle.Length)] : pool[(int)(random.Next() % (ulong)pool.Length)];
                var count = edgeLikePerDay / edgesPerDay;
                if (noise)
                {
                    count = Math.Max(1, random.NextPoisson(count));
                }

                count *= ActivityOnDay?.Invoke(day) ?? 1;
                if (!(count > 0))
                {
                    continue;
                }

                inbound.Add(new Engagement(engager, (float)count, ScoringWindow.Days - 1 - d));
            }

            var sent = noise ? (int)random.NextPoisson(0.3) : (day % 3 == 0 ? 1 : 0);
            for (var j = 0; j < sent; j++)
            {
                outbound.Add(new Engagement(pool[(int)(random.Next() % (ulong)pool.Length)], 1, ScoringWindow.Days - 1 - d));
            }
        }

        return new ScoringInput(
            UserId, Key, new DateOnly(2025, 1, 1).AddDays(night + ScoringWindow.Days - 1), windows, inbound, outbound, yesterday);
    }

    internal static SyntheticUser Create(SyntheticOptions options, int index, ulong[] pool, ref SyntheticPopulation.SplitMix random)
    {
        var networkCount = options.Networks ?? (random.NextDouble() switch
        {
            < 0.60 => 1,
            < 0.88 => 2,
            _ => 3,
        });
        networkCount = Math.Clamp(networkCount, 1, SyntheticPopulation.NetworkNames.Length);

        // Popularity drives audience and engagement together; heavy tails come from the log-normal draws.
        var popularity = random.NextGaussian();
        var networks = new NetworkRates[networkCount];
        for (var n = 0; n < networkCount; n++)
        {
            var size = n == 0 ? 0 : -1 + (0.8 * random.NextGaussian());
            var audience = Math.Exp(5.5 + (1.6 * popularity) + (0.6 * random.NextGaussian()) + size);
            var posts = Math.Exp(-0.7 + (0.8 * random.NextGaussian()));
            var reactionsPerPost = audience * 0.02 * Math.Exp(0.8 * random.NextGaussian());
            var resharesPerPost = reactionsPerPost * 0.12 * Math.Exp(0.6 * random.NextGaussian());
            var repliesPerPost = reactionsPerPost * 0.08 * Math.Exp(0.5 * random.NextGaussian());
            var reactions = posts * reactionsPerPost;
            var mentions = reactions * 0.05 * Math.Exp(0.5 * random.NextGaussian());
            var received = reactions + (posts * (resharesPerPost + repliesPerPost)) + mentions;
            networks[n] = new NetworkRates(
                Audience: Math.Round(audience),
                Lists: Math.Round(audience * 0.01 * Math.Exp(0.5 * random.NextGaussian())),
                Posts: posts,
                Reactions: reactions,
                Reshares: posts * resharesPerPost,
                Replies: posts * repliesPerPost,
                Mentions: mentions,
                Engagers: Math.Min(audience, received * 0.6),
                MentionsSent: posts * 0.3,
                ResharesSent: posts * 0.2);
        }

        // Regular engagers: popular users' circles sit higher in the pool (which is sorted by score).
        var circle = new ulong[40];
        for (var i = 0; i < circle.Length; i++)
        {
            var percentile = NormalCdf((0.5 * popularity) + (0.87 * random.NextGaussian()));
            circle[i] = pool[Math.Min((int)(percentile * pool.Length), pool.Length - 1)];
        }

        var userSeed = SyntheticPopulation.Hash((ulong)options.Seed, (ulong)index + 1);
        return new SyntheticUser($"synthetic-{options.Seed}-{index}", userSeed, options.Noise, options.EngagersPerDay, networks, circle, pool);
    }

    private float Draw(ref SyntheticPopulation.SplitMix random, double rate) =>
        (float)(noise ? random.NextPoisson(rate) : rate);

    private static double NormalCdf(double x)
    {
        // Abramowitz-Stegun 7.1.26.
        var t = 1 / (1 + (0.3275911 * Math.Abs(x) / Math.Sqrt(2)));
        var polynomial = ((((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t) - 0.284496736) * t) + 0.254829592) * t;
        var erf = 1 - (polynomial * Math.Exp(-x * x / 2));
        return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }

    private readonly record struct NetworkRates(
        double Audience, double Lists, double Posts, double Reactions, double Reshares, double Replies,
        double Mentions, double Engagers, double MentionsSent, double ResharesSent);
}
