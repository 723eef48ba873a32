using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Evaluation;

/// <summary>How <see cref="LatentWorld.Create"/> builds its people.</summary>
/// <param name="People">People in the world.</param>
/// <param name="Seed">Everything follows from the seed.</param>
/// <param name="FakeFollowerShare">People who bought an audience (10-100 times their real followers on one network).</param>
/// <param name="RingShare">People in reciprocal engagement rings (pods of twelve engaging each other's every post).</param>
/// <param name="SilentShare">People with a real audience who rarely post (about one post in 30 of an ordinary user).</param>
/// <param name="BoughtEngagementShare">People who bought engagement from fresh accounts on one network.</param>
public sealed record LatentWorldOptions(
    int People = 20_000,
    int Seed = 2026,
    double FakeFollowerShare = 0.04,
    double RingShare = 0.02,
    double SilentShare = 0.03,
    double BoughtEngagementShare = 0.02);

/// <summary>What is odd about a person, if anything: the benchmark reports each group apart.</summary>
public enum Pathology
{
    None = 0,
    FakeFollowers = 1,
    Ring = 2,
    SilentAudience = 3,
    BoughtEngagement = 4,
}

/// <summary>How one network shows a person's influence: which signals exist (its vocabulary), their levels and noise.</summary>
/// <param name="Name">The network (a <see cref="NetworkVocabulary"/> name).</param>
/// <param name="Membership">Relative chance that a person is on it.</param>
/// <param name="Audience">ln followers of an average person.</param>
/// <param name="Posts">ln posts per day of an average person.</param>
/// <param name="ReactionsPerPost">ln reactions per post of an average person (text networks).</param>
/// <param name="ViewsPerPost">ln views per post of an average person (where views exist).</param>
public sealed record NetworkModel(string Name, double Membership, double Audience, double Posts, double ReactionsPerPost, double ViewsPerPost)
{
    public NetworkVocabulary Vocabulary { get; } = NetworkVocabulary.For(Name);

    /// <summary>The seven networks of the benchmark: four text networks, Instagram, and two video networks.</summary>
    public static IReadOnlyList<NetworkModel> All { get; } =
    [
        new("twitter", 0.45, 5.5, -0.5, 1.0, 5.0),
        new("instagram", 0.45, 6.2, -1.3, 3.2, 5.5),
        new("youtube", 0.25, 6.5, -3.0, 2.5, 6.5),
        new("tiktok", 0.30, 6.3, -1.5, 3.0, 7.0),
        new("mastodon", 0.10, 4.3, -0.7, 0.5, 0),
        new("bluesky", 0.15, 4.8, -0.6, 0.8, 0),
        new("linkedin", 0.20, 5.6, -1.8, 1.5, 5.5),
    ];
}

/// <summary>One person of the world: the hidden truth and how each network sees them.</summary>
public sealed class LatentPerson
{
    internal LatentPerson(int index, string userId, double influence, Pathology pathology, PersonOnNetwork[] networks)
    {
        Index = index;
        UserId = userId;
        Key = UserKeys.Of(userId);
        Influence = influence;
        Pathology = pathology;
        Networks = networks;
    }

    public int Index { get; }

    public string UserId { get; }

    public ulong Key { get; }

    /// <summary>The hidden true influence (standard normal over the world). What every ranking is judged against.</summary>
    public double Influence { get; }

    public Pathology Pathology { get; }

    public IReadOnlyList<PersonOnNetwork> Networks { get; }

    internal List<(int From, int Day, float Count)> Inbound { get; } = [];

    internal List<(ulong FreshKey, int Day, float Count)> InboundFromFresh { get; } = [];

    internal List<(int To, int Day, float Count)> Outbound { get; } = [];
}

/// <summary>A person's true daily rates on one network (what the observation model draws each day around).</summary>
public sealed record PersonOnNetwork(
    NetworkModel Network,
    double Followers,
    double Lists,
    double Posts,
    double Reactions,
    double Reshares,
    double Replies,
    double Mentions,
    double Engagers,
    double Views,
    double Saves);

/// <summary>
/// The synthetic latent-influence benchmark. Each person has a hidden influence θ ~ N(0, 1); on each of their 1-4
/// networks they show a network strength θ + 0.5 ε, which each network's observation model turns into signals with
/// their own noise: followers (looser), reactions per post (tighter), views per post (tightest on video networks,
/// where likes are a noisy fraction of views), reshares and replies as noisy fractions, mentions per day, and so on,
/// only those the network exposes (<see cref="NetworkVocabulary"/>). Activity (posts per day) is mostly personal
/// habit. Daily values are Poisson draws, 2% of days are missing. Named engagement edges come from other people,
/// whose influence goes with the target's. On top: bought audiences, reciprocal rings, silent large audiences and
/// bought engagement from fresh accounts. Nothing here was fitted to public labelled data.
/// </summary>
public sealed class LatentWorld
{
    /// <summary>Fresh accounts bought engagement comes from; they are new to the population and score little.</summary>
    public const int FreshAccounts = 2_000;

    /// <summary>Days generated: the scoring window plus nights to replay.</summary>
    public const int MaxNights = 30;

    private readonly int seed;

    private LatentWorld(int seed, LatentPerson[] people, ulong[] freshKeys)
    {
        this.seed = seed;
        People = people;
        FreshKeys = freshKeys;
    }

    public IReadOnlyList<LatentPerson> People { get; }

    public IReadOnlyList<ulong> FreshKeys { get; }

    public static LatentWorld Create(LatentWorldOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var random = new Random(options.Seed);
        var people = new LatentPerson[options.People];
        var networks = NetworkModel.All;
        var totalWeight = networks.Sum(n => n.Membership);
        for (var i = 0; i < people.Length; i++)
        {
            var influence = Gaussian(random);
            var draw = random.NextDouble();
            var pathology =
                draw < options.FakeFollowerShare ? Pathology.FakeFollowers
                : draw < options.FakeFollowerShare + options.RingShare && influence < 0.5 ? Pathology.Ring
                : draw < options.FakeFollowerShare + options.RingShare + options.SilentShare ? Pathology.SilentAudience
                : draw < options.FakeFollowerShare + options.RingShare + options.SilentShare + options.BoughtEngagementShare ? Pathology.BoughtEngagement
                : Pathology.None;
            var count = random.NextDouble() switch
            {
                < 0.45 => 1,
                < 0.75 => 2,
                < 0.92 => 3,
                _ => 4,
            };
            var chosen = new List<NetworkModel>();
            while (chosen.Count < count)
            {
                var pick = random.NextDouble() * totalWeight;
                foreach (var n in networks)
                {
                    pick -= n.Membership;
                    if (pick <= 0)
                    {
                        if (!chosen.Contains(n))
                        {
                            chosen.Add(n);
                        }

                        break;
                    }
                }
            }

            var habit = Gaussian(random); // posting habit, shared by a person's networks
            var on = chosen.Select((n, k) => Observe(n, influence, habit, pathology, k == 0, random)).ToArray();
            people[i] = new LatentPerson(i, $"latent-{options.Seed}-{i}", influence, pathology, on);
        }

        var freshKeys = Enumerable.Range(0, FreshAccounts).Select(k => UserKeys.Of($"fresh-{options.Seed}-{k}")).ToArray();
        Connect(people, freshKeys, random);
        return new LatentWorld(options.Seed, people, freshKeys);
    }

    /// <summary>A person's input for night <paramref name="night"/>: days night .. night + 89 of the world, no yesterday.</summary>
    public ScoringInput InputFor(LatentPerson person, int night)
    {
        ArgumentNullException.ThrowIfNull(person);
        var windows = new NetworkWindow[person.Networks.Count];
        for (var n = 0; n < windows.Length; n++)
        {
            windows[n] = Window(person, n, night);
        }

        var inbound = new List<Engagement>();
        var outbound = new List<Engagement>();
        var last = night + ScoringWindow.Days - 1;
        foreach (var (from, day, count) in person.Inbound)
        {
            if (day >= night && day <= last)
            {
                inbound.Add(new Engagement(People[from].Key, count, last - day));
            }
        }

        foreach (var (fresh, day, count) in person.InboundFromFresh)
        {
            if (day >= night && day <= last)
            {
                inbound.Add(new Engagement(fresh, count, last - day));
            }
        }

        foreach (var (to, day, count) in person.Outbound)
        {
            if (day >= night && day <= last)
            {
                outbound.Add(new Engagement(People[to].Key, count, last - day));
            }
        }

        return new ScoringInput(person.UserId, person.Key, new DateOnly(2026, 1, 1).AddDays(last), windows, inbound, outbound, null);
    }

    private NetworkWindow Window(LatentPerson person, int n, int night)
    {
        var on = person.Networks[n];
        var vocabulary = on.Network.Vocabulary;
        var values = new float[ScoringWindow.Days * ScoringWindow.SignalCount];
        var extended = vocabulary.Exposes(SignalKind.Views) || vocabulary.Exposes(SignalKind.Saves) ? NetworkWindow.NewExtendedValues() : null;
        for (var d = 0; d < ScoringWindow.Days; d++)
        {
            var day = night + d;
            var random = new DayRandom(DaySeed(seed, person.Index, n, day));
            var row = values.AsSpan(d * ScoringWindow.SignalCount, ScoringWindow.SignalCount);
            if (random.NextDouble() < 0.02)
            {
                row.Fill(float.NaN); // the network sent nothing that day
                continue;
            }

            // A day's posts drive what arrives that day (with some spill-over from older posts).
            var posts = Poisson(ref random, on.Posts);
            var activity = on.Posts > 0 ? (0.3 + (0.7 * posts / on.Posts)) : 1;
            Set(row, vocabulary, SignalKind.AudienceSize, (float)on.Followers);
            Set(row, vocabulary, SignalKind.ListMemberships, (float)on.Lists);
            Set(row, vocabulary, SignalKind.Posts, posts);
            Set(row, vocabulary, SignalKind.Reactions, Poisson(ref random, on.Reactions * activity));
            Set(row, vocabulary, SignalKind.Reshares, Poisson(ref random, on.Reshares * activity));
            Set(row, vocabulary, SignalKind.Replies, Poisson(ref random, on.Replies * activity));
            Set(row, vocabulary, SignalKind.MentionsReceived, Poisson(ref random, on.Mentions));
            Set(row, vocabulary, SignalKind.MentionsSent, Poisson(ref random, on.Posts * 0.3));
            Set(row, vocabulary, SignalKind.ResharesSent, Poisson(ref random, on.Posts * 0.2));
            Set(row, vocabulary, SignalKind.UniqueEngagers, Poisson(ref random, on.Engagers * activity));
            if (extended is not null)
            {
                var at = d * ScoringWindow.ExtendedSignalCount;
                extended[at] = vocabulary.Exposes(SignalKind.Views) ? Poisson(ref random, on.Views * activity) : float.NaN;
                extended[at + 1] = vocabulary.Exposes(SignalKind.Saves) ? Poisson(ref random, on.Saves * activity) : float.NaN;
            }
        }

        return new NetworkWindow(on.Network.Name, values, extended);
    }

    /// <summary>A small generator for the per-day draws (SplitMix64): seeding System.Random costs more than a day's draws.</summary>
    private struct DayRandom(ulong state)
    {
        private ulong state = state;

        public double NextDouble()
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return ((z ^ (z >> 31)) >> 11) * (1.0 / (1UL << 53));
        }
    }

    private static float Poisson(ref DayRandom random, double mean)
    {
        if (!(mean > 0))
        {
            return 0;
        }

        if (mean > 30)
        {
            var u1 = 1 - random.NextDouble();
            var u2 = random.NextDouble();
            var gaussian = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            return (float)Math.Max(0, Math.Round(mean + (Math.Sqrt(mean) * gaussian)));
        }

        var limit = Math.Exp(-mean);
        var product = random.NextDouble();
        var k = 0;
        while (product > limit)
        {
            product *= random.NextDouble();
            k++;
        }

        return k;
    }

    private static void Set(Span<float> row, NetworkVocabulary vocabulary, SignalKind signal, float value) =>
        row[(int)signal] = vocabulary.Exposes(signal) ? value : float.NaN;

    /// <summary>The observation model of one network for one person.</summary>
    private static PersonOnNetwork Observe(NetworkModel network, double influence, double habit, Pathology pathology, bool primary, Random random)
    {
        var strength = influence + (0.5 * Gaussian(random));
        var followers = Math.Exp(network.Audience + (1.6 * strength) + (0.7 * Gaussian(random)));
        var posts = Math.Exp(network.Posts + (0.3 * strength) + (0.7 * habit) + (0.3 * Gaussian(random)));
        var video = network.Vocabulary.IsVideo;

        // Per post: on video networks views carry the reach and likes are a noisy share of them; elsewhere reactions do.
        double views, reactionsPerPost;
        if (video)
        {
            views = Math.Exp(network.ViewsPerPost + (1.9 * strength) + (0.45 * Gaussian(random)));
            reactionsPerPost = views * Math.Exp(-3.2 + (0.7 * Gaussian(random)));
        }
        else
        {
            reactionsPerPost = Math.Exp(network.ReactionsPerPost + (1.8 * strength) + (0.6 * Gaussian(random)));
            views = reactionsPerPost * Math.Exp(network.ViewsPerPost - network.ReactionsPerPost + (0.6 * Gaussian(random)));
        }

        var resharesPerPost = reactionsPerPost * Math.Exp(-2.0 + (0.2 * strength) + (0.6 * Gaussian(random)));
        var repliesPerPost = reactionsPerPost * Math.Exp(-2.5 + (0.6 * Gaussian(random)));
        var savesPerPost = reactionsPerPost * Math.Exp(-2.3 + (0.7 * Gaussian(random)));
        var mentions = Math.Exp(-2.5 + (1.5 * strength) + (0.8 * Gaussian(random)));
        var lists = followers * 0.01 * Math.Exp(0.6 * Gaussian(random));

        switch (pathology)
        {
            case Pathology.FakeFollowers when primary:
                followers *= Math.Exp(2.3 + (2.3 * random.NextDouble())); // 10-100 times, nobody engages
                reactionsPerPost *= 1.3; // a few bought likes come with the package
                break;
            case Pathology.Ring when primary:
                // An engagement pod: the other eleven members react to every post, and share, reply and mention a lot.
                reactionsPerPost += 11;
                resharesPerPost += 4;
                repliesPerPost += 3;
                mentions += 3;
                break;
            case Pathology.SilentAudience:
                posts *= 1.0 / 30;
                break;
            case Pathology.BoughtEngagement when primary:
                reactionsPerPost *= 10;
                resharesPerPost *= 5;
                break;
        }

        var engagers = 0.7 * Math.Pow(posts * (reactionsPerPost + resharesPerPost + repliesPerPost), 0.95);
        return new PersonOnNetwork(
            network,
            Math.Round(followers),
            Math.Round(lists),
            posts,
            posts * reactionsPerPost,
            posts * resharesPerPost,
            posts * repliesPerPost,
            mentions,
            Math.Min(engagers, followers + 1),
            posts * views,
            posts * savesPerPost);
    }

    /// <summary>
    /// Named engagement: each person's reshares, replies and mentions come partly from other people (at most a couple
    /// of named engagers a day), drawn so that an influential person's engagers tend to be influential; rings engage
    /// each other; bought engagement comes from fresh accounts.
    /// </summary>
    private static void Connect(LatentPerson[] people, ulong[] freshKeys, Random random)
    {
        var days = ScoringWindow.Days + MaxNights;
        var byInfluence = people.OrderBy(p => p.Influence).Select(p => p.Index).ToArray();
        foreach (var person in people)
        {
            var edgeLike = person.Networks.Sum(n => n.Reshares + n.Replies + n.Mentions);
            var edgesPerDay = Math.Min(edgeLike, 1.5);
            if (!(edgesPerDay > 0))
            {
                continue;
            }

            var count = (float)Math.Max(1, edgeLike / edgesPerDay);
            for (var day = 0; day < days; day++)
            {
                var edges = Poisson(random, edgesPerDay);
                for (var e = 0; e < edges; e++)
                {
                    var percentile = NormalCdf((0.6 * person.Influence) + (0.8 * Gaussian(random)));
                    var from = byInfluence[Math.Min((int)(percentile * people.Length), people.Length - 1)];
                    if (from == person.Index)
                    {
                        continue;
                    }

                    person.Inbound.Add((from, day, count));
                    people[from].Outbound.Add((person.Index, day, 1));
                }
            }
        }

        // Rings: pods of twelve, engaging each other on most days.
        var ringMembers = people.Where(p => p.Pathology == Pathology.Ring).ToList();
        for (var start = 0; start + 1 < ringMembers.Count; start += 12)
        {
            var ring = ringMembers.Skip(start).Take(12).ToList();
            for (var day = 0; day < days; day++)
            {
                foreach (var a in ring)
                {
                    foreach (var b in ring)
                    {
                        if (a != b && random.NextDouble() < 0.5)
                        {
                            b.Inbound.Add((a.Index, day, 2));
                            a.Outbound.Add((b.Index, day, 2));
                        }
                    }
                }
            }
        }

        foreach (var person in people.Where(p => p.Pathology == Pathology.BoughtEngagement))
        {
            for (var day = 0; day < days; day++)
            {
                for (var e = 0; e < 6; e++)
                {
                    person.InboundFromFresh.Add((freshKeys[random.Next(freshKeys.Length)], day, 2));
                }
            }
        }
    }

    /// <summary>A stable seed per (world, person, network, day): the same day looks the same on every night that sees it.</summary>
    private static ulong DaySeed(int seed, int person, int network, int day)
    {
        var x = ((ulong)(uint)seed << 32) ^ ((ulong)(uint)person * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)network << 24) ^ (ulong)(uint)day;
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    internal static double Gaussian(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    internal static float Poisson(Random random, double mean)
    {
        if (!(mean > 0))
        {
            return 0;
        }

        if (mean > 30)
        {
            return (float)Math.Max(0, Math.Round(mean + (Math.Sqrt(mean) * Gaussian(random))));
        }

        var limit = Math.Exp(-mean);
        var product = random.NextDouble();
        var k = 0;
        while (product > limit)
        {
            product *= random.NextDouble();
            k++;
        }

        return k;
    }

    internal static double NormalCdf(double x)
    {
        var t = 1 / (1 + (0.3275911 * Math.Abs(x) / Math.Sqrt(2)));
        var polynomial = ((((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t) - 0.284496736) * t) + 0.254829592) * t;
        var erf = 1 - (polynomial * Math.Exp(-x * x / 2));
        return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
