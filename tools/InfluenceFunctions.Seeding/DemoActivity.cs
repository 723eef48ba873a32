using System.Globalization;
using Azure.Data.Tables;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Ingestion;
using InfluenceFunctions.Storage.Topics;

namespace InfluenceFunctions.Seeding;

/// <summary>A thing demo people post about: the topic +K is given in, and posts that attribute to it.</summary>
/// <param name="Topic">The topic id the posts are about (and +K for them is given in).</param>
/// <param name="Posts">Post texts ("{n}" becomes a small number). Each attributes to <paramref name="Topic"/>.</param>
/// <param name="Decoys">Posts with the same ambiguous word and no context to settle it: they attribute to no topic of
/// this interest (a stop phrase, or the word alone), so the page's evidence shows the difference.</param>
public sealed record DemoInterest(string Name, string Topic, IReadOnlyList<string> Posts, IReadOnlyList<string> Decoys);

/// <summary>
/// What the demo population posts about, and the +K they give each other, so topics, leaderboards and +K have something
/// to show: posts stored as post ingestion stores them (one "posts" row per person in table "topics"), +K as each
/// giver's "plusk" row, both written in bulk. Deterministic for a seed. Several interests share an ambiguous word
/// ("twins", "python", "apple", "jaguar", "wine", "marathon"): the rest of the post decides the topic, or that there is none.
/// </summary>
public sealed class DemoActivity(InfluenceTables tables, InfluenceOptions options)
{
    /// <summary>The first people (those the local host's sign-in lists) get these, in this order; user000011 posts nothing.</summary>
    public static readonly IReadOnlyList<string[]> FirstPeople =
    [
        ["twins-fan", "wine"], ["twins-parent", "baker"], ["python-developer", "coffee"], ["python-keeper", "angler"],
        ["apple-fan", "runner"], ["jaguar-driver", "space"], ["investor", "runner"], ["runner", "coffee"],
        ["baker", "twins-fan"], ["space", "python-developer"], ["angler", "investor"], [],
    ];

    public static IReadOnlyList<DemoInterest> Interests { get; } =
    [
        new("twins-fan", "minnesota-twins",
            ["Twins walk-off in the {n}th inning at Target Field, Buxton with the homer", "Twins bullpen held on again tonight, what a game", "#MNTwins lineup is out: Correa back at short"],
            ["twins twins twins, what a day"]),
        new("twins-parent", "twins-parenting",
            ["The twins finally napped at the same time, the newborn stage is wild", "Raising twins tip {n}: one feeding schedule for both", "Our twins start daycare next week, the stroller is retired"],
            ["Watched Twin Peaks again, still weird"]),
        new("python-developer", "python-programming",
            ["Rewrote the python script with pandas, {n}x faster", "Python tip: a generator function keeps memory flat on big files", "Upgraded our django app, the migration went smoothly"],
            ["python"]),
        new("python-keeper", "reptiles",
            ["Our ball python shed its skin in one piece today, healthy snake", "Feeding day for the python, the snake ate in {n} minutes", "New heat lamp for the reptile enclosure"],
            ["python"]),
        new("apple-fan", "apple-inc",
            ["The new iPhone camera is unreal, Apple nailed it this year", "MacBook battery life on the new macOS: {n} hours", "Apple keynote tomorrow, expecting new iPads"],
            ["Baked an apple pie for the neighbours"]),
        new("jaguar-driver", "jaguar-cars",
            ["Took the Jaguar F-Type for a drive, that engine sound", "Jaguar XJ service day, the sedan is purring again after {n} miles", "Jaguar coupe or the SUV for the road trip?"],
            ["Saw a jaguar at the zoo today"]),
        new("wine", "wine",
            ["A glass of red wine from a small Napa vineyard, lovely tannins", "Wine tasting at the winery, {n} pours and a cheese board", "This pinot noir is a bargain"],
            ["Wine and dine with the team tonight"]),
        new("baker", "baking",
            ["Sourdough loaf out of the oven, look at that crumb", "Baked cookies with the kids, recipe in the replies", "Banana bread batch number {n}"],
            ["Bread and butter of our business is support"]),
        new("runner", "running",
            ["Half marathon training: {n} miles at goal pace this morning", "New 10k PR today, strava says sub 45", "Long run done, the marathon is in three weeks"],
            ["Netflix marathon all weekend"]),
        new("coffee", "coffee",
            ["First cold brew of the day, the barista nailed it", "Pour over with new coffee beans, {n} grams", "Espresso machine descaled, the latte art is back"],
            []),
        new("space", "space",
            ["NASA rocket launch tonight, orbit insertion confirmed", "Falcon 9 landed again, booster flight {n}", "Watching the ISS pass overhead, astronaut life"],
            ["Need some space this weekend"]),
        new("investor", "investing",
            ["Stocks rallied today, my index funds portfolio is up {n}%", "Dividends reinvested, slow and steady investing", "The stock market shrugged off the earnings miss"],
            []),
        new("angler", "fishing",
            ["Caught a largemouth bass at the lake at dawn", "Fly fishing for trout, {n} on the day", "New lure, same old bass, same old lake"],
            ["New strings on my bass guitar"]),
    ];

    public sealed record Result(int Posters, int Posts, int PlusKGiven, long StorageTransactions);

    /// <summary>Posts up to <paramref name="lastDay"/> (the 90 days stored), and +K given over the last four weeks of it.</summary>
    public async Task<Result> SeedAsync(DemoPopulation.SeedResult people, DateOnly lastDay, int seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(people);
        using var spend = StorageRequestCounter.BeginScope();
        var random = new Random(seed ^ 0x7091C5);
        var byName = Interests.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var interests = new DemoInterest[people.Users][];
        for (var user = 0; user < people.Users; user++)
        {
            interests[user] = user < FirstPeople.Count
                ? FirstPeople[user].Select(n => byName[n]).ToArray()
                : random.NextDouble() < 0.2 ? Interests.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).ToArray() : [];
        }

        var rows = new List<TableEntity>();
        var postCount = 0;
        for (var user = 0; user < people.Users; user++)
        {
            if (interests[user].Length == 0)
            {
                continue;
            }

            var posts = Posts(user, interests[user], people.Networks[user], lastDay, random);
            var row = TopicRows.New(TopicRows.Posts, DemoPopulation.UserId(user), options);
            PostIngestionService.Write(row, posts, lastDay.AddDays(1));
            rows.Add(row);
            postCount += posts.Count;
        }

        var gifts = PlusK(interests, lastDay, random);
        foreach (var (giver, given) in gifts)
        {
            var row = TopicRows.New(TopicRows.PlusK, DemoPopulation.UserId(giver), options);
            PackedJson.Write(row, "G", given);
            rows.Add(row);
        }

        await TableBatches.WriteRowsAsync(tables.Topics, rows, null, cancellationToken);
        return new Result(interests.Count(i => i.Length > 0), postCount, gifts.Sum(g => g.Value.Count), spend.Count);
    }

    /// <summary>Posts a day per interest: enough for topics (two posts make one), few enough to re-read every night.</summary>
    public const double PostsPerDay = 0.15;

    /// <summary>About one post a week per interest, now and then a decoy, with engagement that varies.</summary>
    private static List<StoredPost> Posts(int user, DemoInterest[] interests, IReadOnlyList<string> networks, DateOnly lastDay, Random random)
    {
        var posts = new List<StoredPost>();
        var reach = 5 + (random.NextDouble() * random.NextDouble() * 120);
        for (var day = lastDay.AddDays(-89); day <= lastDay; day = day.AddDays(1))
        {
            foreach (var interest in interests)
            {
                if (random.NextDouble() >= PostsPerDay)
                {
                    continue;
                }

                var decoy = interest.Decoys.Count > 0 && random.NextDouble() < 0.15;
                var texts = decoy ? interest.Decoys : interest.Posts;
                var text = texts[random.Next(texts.Count)].Replace("{n}", random.Next(2, 12).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
                var reactions = Math.Round(reach * (0.3 + random.NextDouble()));
                var id = $"{interest.Name}-{day:yyyyMMdd}-{user}";
                posts.Add(new StoredPost(id, networks[random.Next(networks.Count)], day, text, [], [], reactions, Math.Round(reactions * 0.1), Math.Round(reactions * 0.05)));
            }
        }

        return posts;
    }

    /// <summary>
    /// +K over the last 28 days: each of the first 300 people gives one on about one day in twelve, to someone who posts
    /// about the topic (the first people receive a fair share), within the limits the API enforces (5 a day, one per
    /// receiver and topic a week). Each of the first people also gives one in the last week.
    /// </summary>
    private static Dictionary<int, List<PlusKGift>> PlusK(DemoInterest[][] interests, DateOnly lastDay, Random random)
    {
        var receivers = Enumerable.Range(0, interests.Length).Where(u => interests[u].Length > 0).ToArray();
        var gifts = new Dictionary<int, List<PlusKGift>>();
        if (receivers.Length < 2)
        {
            return gifts;
        }

        bool TryGive(int giver, DateOnly day, int minute)
        {
            var receiver = random.NextDouble() < 0.15 ? random.Next(Math.Min(FirstPeople.Count, interests.Length)) : receivers[random.Next(receivers.Length)];
            if (receiver == giver || interests[receiver].Length == 0)
            {
                return false;
            }

            var topic = interests[receiver][random.Next(interests[receiver].Length)].Topic;
            var given = gifts.TryGetValue(giver, out var list) ? list : gifts[giver] = [];
            var at = new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)).AddMinutes(minute), TimeSpan.Zero);
            var receiverId = DemoPopulation.UserId(receiver);
            if (given.Count(g => DateOnly.FromDateTime(g.GivenUtc.UtcDateTime) == day) >= PlusKService.DailyLimit
                || given.Any(g => g.Receiver == receiverId && g.Topic == topic && at - g.GivenUtc < PlusKService.PairWindow))
            {
                return false;
            }

            given.Add(new PlusKGift(receiverId, topic, at));
            return true;
        }

        var givers = Math.Min(300, interests.Length);
        for (var day = lastDay.AddDays(-27); day <= lastDay; day = day.AddDays(1))
        {
            for (var giver = 0; giver < givers; giver++)
            {
                if (random.NextDouble() < 0.08)
                {
                    TryGive(giver, day, random.Next(600));
                }
            }
        }

        for (var giver = 0; giver < Math.Min(FirstPeople.Count, interests.Length); giver++)
        {
            var attempts = 0;
            while (attempts++ < 10 && !TryGive(giver, lastDay.AddDays(-random.Next(7)), random.Next(600)))
            {
                // A refusal (themselves, or a pair already given this week): draw again.
            }
        }

        foreach (var list in gifts.Values)
        {
            list.Sort((a, b) => a.GivenUtc.CompareTo(b.GivenUtc)); // As PlusKService keeps them.
        }

        return gifts;
    }
}
