using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using InfluenceFunctions.Evaluation;
using InfluenceFunctions.Scoring;
using static InfluenceFunctions.UnitTests.Scoring.ScoringTestData;

namespace InfluenceFunctions.UnitTests.Scoring;

/// <summary>Issue 12's properties of model v2, each pinned so that it fails when the property breaks.</summary>
public class ScoreModelV2Tests
{
    /// <summary>The standard score of the top 0.01%: 1 - Φ(3.719) = 0.0001.</summary>
    private const double TopHundredthOfAPercent = 3.719;

    /// <summary>A latent world of 12,000 people on seven networks, its first night's inputs, and v2's scales and knots fitted to them.</summary>
    private static readonly Lazy<(List<ScoringInput> Inputs, Calibration Calibration)> Fitted = new(() =>
    {
        var world = LatentWorld.Create(new LatentWorldOptions(People: 12_000, Seed: 99));
        var inputs = world.People.Select(p => world.InputFor(p, 0)).ToList();
        return (inputs, V2TestData.FittedTo(inputs, new PopulationTable(0)));
    });

    private static Lazy<Calibration> World { get; } = new(() => Fitted.Value.Calibration);

    [Theory]
    [InlineData("twitter")]
    [InlineData("instagram")]
    [InlineData("youtube")]
    [InlineData("tiktok")]
    [InlineData("linkedin")]
    public void ShouldScoreTheTopHundredthOfAPercentOfANetworkAtNinetyOrMoreOnThatNetworkAlone(string network)
    {
        var calibration = World.Value;
        Assert.True(calibration.Scales!.UsersOf(network) > 1_000, $"{network} has scales of its own");

        var top = V2TestData.Model.Score(Input("top", [AtStandardScore(calibration, network, TopHundredthOfAPercent)]), new PopulationTable(0), calibration);
        var middle = V2TestData.Model.Score(Input("middle", [AtStandardScore(calibration, network, 0)]), new PopulationTable(0), calibration);

        Assert.True(top.Score >= 90, $"{network}: the top 0.01% scores {top.Score}");
        Assert.InRange(middle.Score!.Value, 10, 35); // and the network's middle is the population's middle, not the top
    }

    [Fact]
    public void ShouldGiveTheSameShareOfEachNetworkTheSameScore()
    {
        // One honest scale: the top 1% of Instagram means what the top 1% of Twitter or YouTube means.
        var calibration = World.Value;
        var scores = new[] { "twitter", "instagram", "youtube", "tiktok", "linkedin", "mastodon", "bluesky" }
            .Select(n => V2TestData.Model.Score(Input("u", [AtStandardScore(calibration, n, 2.326)]), new PopulationTable(0), calibration).Score!.Value)
            .ToList();
        Assert.True(scores.Max() - scores.Min() <= 6, $"the top 1% of each network scores {string.Join(", ", scores)}");
    }

    [Fact]
    public void ShouldPutEachNetworksOwnPopulationOnTheStandardScale()
    {
        // Each network's composite is measured against that network's population: the raw index of a person on one
        // network is a standard score there (10% below -1.28, 10% above +1.28), whatever the network exposes.
        var (inputs, calibration) = Fitted.Value;
        foreach (var network in NetworkModel.All.Select(n => n.Name))
        {
            var raws = inputs.Where(i => i.Networks.Count == 1 && i.Networks[0].Network == network)
                .Select(i => V2TestData.Model.Score(i, new PopulationTable(0), calibration).RawIndex)
                .ToList();
            if (raws.Count < 600)
            {
                continue; // too few people on this network alone to read its deciles
            }

            var p10 = Percentile(raws, 0.10);
            var p50 = Percentile(raws, 0.50);
            var p90 = Percentile(raws, 0.90);
            Assert.True(Math.Abs(p10 + 1.2816) <= 0.2 && Math.Abs(p50) <= 0.15 && Math.Abs(p90 - 1.2816) <= 0.2, $"{network} ({raws.Count} people): raw p10 {p10:0.00}, p50 {p50:0.00}, p90 {p90:0.00}");
        }
    }

    [Property(MaxTest = 150)]
    public Property ConnectingASecondNetworkNeverLowersAScore() =>
        Prop.ForAll(Gen.Choose(0, 399).ToArbitrary(), Gen.Choose(0, int.MaxValue - 1).ToArbitrary(), Gen.Elements(Networks).ToArbitrary(), (index, seed, network) =>
        {
            var population = Population.Value;
            var user = population.Users[index];
            var yesterdayInput = user.InputForNight(0, null);
            var yesterday = V2TestData.Model.Score(yesterdayInput, population, V2TestData.Reference).ToPreviousScore(yesterdayInput.AsOf);
            var input = user.InputForNight(1, yesterday);
            if (input.Networks.Any(n => n.Network == network))
            {
                return;
            }

            var alone = V2TestData.Model.Score(input, population, V2TestData.Reference);
            var withIt = V2TestData.Model.Score(input with { Networks = [.. input.Networks, RandomWindow(network, seed)] }, population, V2TestData.Reference);

            Assert.True(withIt.RawIndex >= alone.RawIndex - 1e-12, $"{network}: raw {alone.RawIndex} -> {withIt.RawIndex}");
            Assert.True((withIt.Score ?? 0) >= (alone.Score ?? 0), $"{network}: score {alone.Score} -> {withIt.Score}");
        });

    [Property(MaxTest = 100)]
    public Property MoreResharesReceivedNeverLowerTheScore() =>
        Prop.ForAll(Gen.Choose(0, 399).ToArbitrary(), Gen.Choose(1, 500).ToArbitrary(), (index, extra) =>
        {
            var population = Population.Value;
            var input = population.Users[index].InputForNight(0, null);
            var more = input with
            {
                Networks = input.Networks.Select(w => WithSignal(w, SignalKind.Reshares, (d, v) => float.IsNaN(v) ? v : v + (extra / 10f))).ToList(),
            };
            var before = V2TestData.Model.Score(input, population, V2TestData.Reference);
            var after = V2TestData.Model.Score(more, population, V2TestData.Reference);
            Assert.True(after.RawIndex >= before.RawIndex - 1e-12, $"raw {before.RawIndex} -> {after.RawIndex}");
            Assert.True((after.Score ?? 0) >= (before.Score ?? 0));
        });

    [Fact]
    public void ShouldKeepRisingUpToABillionFollowersAndAHundredMillionReactionsPerPost()
    {
        // A star at every size: followers from a thousand to a billion, engagement in proportion (reactions per post
        // up to 100 million). Nothing saturates: the raw index and every component keep rising all the way.
        var results = new List<ScoreResult>();
        for (var followers = 1e3; followers <= 1e9; followers *= 10)
        {
            var perPost = followers / 10;
            var window = V2TestData.Steady("twitter", posts: 1, reactions: perPost, reshares: perPost / 10, replies: perPost / 20, mentions: perPost / 100, engagers: perPost / 2, audience: followers, lists: followers / 100, views: perPost * 20, saves: perPost / 50);
            results.Add(V2TestData.Score(Input("star", [window]), V2TestData.Reference));
        }

        for (var i = 1; i < results.Count; i++)
        {
            Assert.True(results[i].RawIndex > results[i - 1].RawIndex, $"raw at step {i}: {results[i - 1].RawIndex} -> {results[i].RawIndex}");
            Assert.True(results[i].Reach > results[i - 1].Reach, $"reach at step {i}: {results[i - 1].Reach} -> {results[i].Reach}");
            Assert.True(results[i].Amplification > results[i - 1].Amplification, $"amplification at step {i}");
            Assert.True(results[i].Score >= results[i - 1].Score);
            Assert.InRange(results[i].Reach, 0, 100);
        }

        Assert.Equal(100, results[^1].Score);

        // Engagement alone, followers fixed: reactions per post from 1 to 100 million keep raising the raw index.
        var raws = new List<double>();
        for (var reactions = 1.0; reactions <= 1e8; reactions *= 10)
        {
            raws.Add(V2TestData.Score(Input("u", [V2TestData.Steady("instagram", posts: 1, reactions: reactions, audience: 5_000)]), V2TestData.Reference).RawIndex);
        }

        Assert.Equal(raws.Order(), raws);
        Assert.Equal(raws.Count, raws.Distinct().Count());
    }

    [Fact]
    public void ShouldScoreABoughtAudienceWithoutEngagementLow()
    {
        // The fake-follower scenario: a million bought followers who never engage, on an account that gets a like a day.
        var ordinary = Steady(audience: 2_000, reactions: 40, reshares: 6, replies: 4, mentions: 2, engagers: 30);
        var quiet = Steady(audience: 2_000, reactions: 1, reshares: 0, replies: 0.1, mentions: 0, engagers: 1);
        var bought = Steady(audience: 1_000_000, reactions: 1, reshares: 0, replies: 0.1, mentions: 0, engagers: 1);
        var star = Steady(audience: 1_000_000, reactions: 20_000, reshares: 3_000, replies: 2_000, mentions: 1_000, engagers: 15_000);

        Assert.True(bought.Score < 20, $"a bought audience scores {bought.Score}, below the median"); // median is 20
        Assert.True(bought.Score < ordinary.Score - 15, $"bought {bought.Score} vs an ordinary engaged account {ordinary.Score}");
        Assert.True(bought.Score - quiet.Score <= 6, $"499 times the followers add {bought.Score - quiet.Score} points without engagement");
        Assert.True(star.Score >= 90, $"a million followers who engage: {star.Score}");

        static ScoreResult Steady(double audience, double reactions, double reshares, double replies, double mentions, double engagers) =>
            V2TestData.Score(Input("u", [V2TestData.Steady("twitter", posts: 2, reactions: reactions, reshares: reshares, replies: replies, mentions: mentions, engagers: engagers, audience: audience, lists: audience / 200)]), V2TestData.Reference);
    }

    [Fact]
    public void ShouldCountTheAudienceInProportionWithEngagementDominating()
    {
        var baseline = Score(audience: 2_000, engagement: 1);
        var tenTimesTheFollowers = Score(audience: 20_000, engagement: 1);
        var tenTimesTheEngagement = Score(audience: 2_000, engagement: 10);

        Assert.True(tenTimesTheFollowers.RawIndex > baseline.RawIndex, "followers are evidence of reach");
        Assert.True(tenTimesTheEngagement.RawIndex - baseline.RawIndex > 2 * (tenTimesTheFollowers.RawIndex - baseline.RawIndex), "engagement dominates");

        static ScoreResult Score(double audience, double engagement) =>
            V2TestData.Score(Input("u", [V2TestData.Steady("twitter", reactions: 40 * engagement, reshares: 6 * engagement, replies: 4 * engagement, mentions: 2 * engagement, engagers: 30 * engagement, audience: audience, lists: audience / 100)]), V2TestData.Reference);
    }

    [Fact]
    public void ShouldTreatAnAbsentSignalAsNotThere()
    {
        // TikTok has no lists: list memberships in a TikTok window are not read at all.
        var tiktok = V2TestData.Steady("tiktok", views: 5_000, saves: 30, lists: double.NaN);
        var withLists = V2TestData.Steady("tiktok", views: 5_000, saves: 30, lists: 1_000_000);
        var plain = V2TestData.Score(Input("u", [tiktok]), V2TestData.Reference);
        Assert.Equal(plain.RawIndex, V2TestData.Score(Input("u", [withLists]), V2TestData.Reference).RawIndex);
        Assert.DoesNotContain("tiktok.list_memberships", plain.Drivers.Keys);

        // An absent network is not there; days without data are unknown, not zero.
        Assert.Equal(plain.RawIndex, V2TestData.Score(Input("u", [tiktok, NetworkWindow.Empty("youtube")]), V2TestData.Reference).RawIndex);
        var outage = new NetworkWindow("tiktok", (float[])tiktok.Values.Clone(), (float[])tiktok.ExtendedValues!.Clone());
        outage.Values.AsSpan(80 * ScoringWindow.SignalCount, 10 * ScoringWindow.SignalCount).Fill(float.NaN);
        outage.ExtendedValues.AsSpan(80 * ScoringWindow.ExtendedSignalCount, 10 * ScoringWindow.ExtendedSignalCount).Fill(float.NaN);
        Assert.Equal(plain.RawIndex, V2TestData.Score(Input("u", [outage]), V2TestData.Reference).RawIndex, 6);

        // No graph at all (no named engagement): the Network component is absent, not 0.
        Assert.True(double.IsNaN(plain.Network));
        Assert.DoesNotContain(ScoreDrivers.EngagerWeight, plain.Drivers.Keys);
    }

    [Fact]
    public void ShouldDiscountAReciprocalRingAndBoughtEngagementFromNewAccounts()
    {
        var ring = Accounts("ring", 8).ToList();
        var crowd = Accounts("crowd", 60).ToList();
        var elsewhere = Accounts("elsewhere", 60).ToList();
        var fresh = Accounts("fresh", 60).ToList();
        var population = Population(ring.Concat(crowd).Concat(elsewhere), 40);
        Population(fresh, 40, PopulationFlags.New, population);
        var windows = new[] { Steady("twitter") };

        var ringUser = V2TestData.Score(Input("ringer", windows, Edges(ring, 7.5f), Edges(ring, 7.5f)), V2TestData.Reference, population);
        var diverse = V2TestData.Score(Input("diverse", windows, Edges(crowd, 1), Edges(elsewhere, 1)), V2TestData.Reference, population);
        var mutual = V2TestData.Score(Input("mutual", windows, Edges(crowd, 1), Edges(crowd.Take(10).Concat(elsewhere), 1)), V2TestData.Reference, population);
        var fromNew = V2TestData.Score(Input("bought", windows, Edges(fresh, 1)), V2TestData.Reference, population);

        Assert.True(ringUser.Drivers[ScoreDrivers.RingShare] > 0.5, $"ring share {ringUser.Drivers[ScoreDrivers.RingShare]:0.00}");
        Assert.True(ringUser.Score < diverse.Score - 3, $"ring {ringUser.Score} vs diverse {diverse.Score}");
        Assert.True(mutual.Drivers[ScoreDrivers.RingShare] < 0.05, "ordinary mutual friends are not a ring");
        Assert.True(Math.Abs(mutual.Score!.Value - diverse.Score!.Value) <= 1);
        Assert.True(fromNew.Drivers[ScoreDrivers.NewOrUnscoredShare] > 0.9);
        Assert.True(fromNew.Score < diverse.Score - 3, $"engagement from new accounts {fromNew.Score} vs established {diverse.Score}");

        // A couple of edges are no evidence of a ring: one friend mentioning back and forth is not discounted much.
        var friend = Accounts("friend", 1).ToList();
        var withFriend = V2TestData.Score(Input("friendly", windows, [new Engagement(friend[0], 1, 3)], [new Engagement(friend[0], 1, 5)]), V2TestData.Reference, population);
        Assert.True(withFriend.Drivers[ScoreDrivers.RingShare] < 0.1, $"ring share on two edges: {withFriend.Drivers[ScoreDrivers.RingShare]:0.00}");
    }

    [Fact]
    public void ShouldWeighEngagementByTheEngagersScores()
    {
        var stars = Accounts("star", 40).ToList();
        var low = Accounts("low", 40).ToList();
        var population = Population(stars, 90);
        Population(low, 10, PopulationFlags.None, population);
        var windows = new[] { Steady("twitter") };

        var fromStars = V2TestData.Score(Input("a", windows, Edges(stars, 1)), V2TestData.Reference, population);
        var fromLow = V2TestData.Score(Input("b", windows, Edges(low, 1)), V2TestData.Reference, population);
        Assert.True(fromStars.Network > fromLow.Network + 10, $"{fromStars.Network:0.0} vs {fromLow.Network:0.0}");
        Assert.True(fromStars.Score > fromLow.Score);
    }

    [Fact]
    public void ShouldLeaveAUserWithTooLittleDataUnscoredWithAReason()
    {
        var cases = new[]
        {
            (Input("a", []), "no connected network"),
            (Input("b", [V2TestData.Steady("youtube", views: 100, daysWithData: 10)]), "only 10 days"),
            (Input("c", [V2TestData.Steady("twitter", posts: 0, reactions: 0, reshares: 0, replies: 0, mentions: 0, engagers: 0)]), "no posts and no engagement"),
            (Input("d", [NetworkWindow.Empty("instagram")]), "no connected network"),
        };
        foreach (var (input, words) in cases)
        {
            var result = V2TestData.Score(input, V2TestData.Reference);
            Assert.Equal(ScoreStatus.Unscored, result.Status);
            Assert.Null(result.Score);
            Assert.Contains(words, result.UnscoredReason, StringComparison.Ordinal);
            Assert.Equal(ScoreModelV2.ModelVersion, result.ModelVersion);
        }

        // Views alone (a video channel that posts nothing in the window) are engagement: scored.
        Assert.Equal(ScoreStatus.Scored, V2TestData.Score(Input("e", [V2TestData.Steady("youtube", posts: 0, reactions: 0, replies: 0, views: 500)]), V2TestData.Reference).Status);
    }

    [Fact]
    public void ShouldExplainMovesInPlainWordsThatAddUpToTheChange()
    {
        var before = V2TestData.Score(Input("u", [V2TestData.Steady("youtube", views: 2_000, audience: 10_000)]), V2TestData.Reference);
        var yesterday = before.ToPreviousScore(AsOf.AddDays(-1));
        var today = V2TestData.Score(Input("u", [V2TestData.Steady("youtube", views: 20_000, audience: 10_000), V2TestData.Steady("tiktok", views: 50_000, saves: 100)], yesterday: yesterday), V2TestData.Reference);

        Assert.True(today.Score > before.Score);
        Assert.Equal(today.Score!.Value - before.Score!.Value, today.Moves.Sum(m => m.Points), 1);
        var views = Assert.Single(today.Moves, m => m.Driver == "youtube.views_per_day");
        Assert.Equal("views on youtube rose 900%", views.Description);
        Assert.Contains(today.Moves, m => m.Driver == "tiktok.connected" && m.Description == "tiktok has data now");
        Assert.All(today.Moves, m => Assert.DoesNotContain("_", m.Description, StringComparison.Ordinal)); // words, never driver ids
        Assert.Equal(today.Moves.OrderByDescending(m => Math.Abs(m.Points)), today.Moves);

        // From v1 to v2 the whole change is one move.
        var v1Yesterday = Score(Input("u", [Steady("twitter")])).ToPreviousScore(AsOf.AddDays(-1)) with { Score = 60 };
        var switched = V2TestData.Score(Input("u", [Steady("twitter")], yesterday: v1Yesterday), V2TestData.Reference);
        var move = Assert.Single(switched.Moves);
        Assert.Equal("the score model changed from v1 to v2", move.Description);
        Assert.Equal(switched.Score!.Value - 60, move.Points);
    }

    [Fact]
    public void ShouldScoreTheSameFromASerializedCalibration()
    {
        var calibration = World.Value;
        var parsed = Calibration.Parse(calibration.Serialize());
        Assert.Equal(calibration.Serialize(), parsed.Serialize());
        Assert.Equal(CalibrationShape.V2, parsed.Shape);
        foreach (var network in Networks)
        {
            var input = Input("u", [AtStandardScore(calibration, network, 1.5)]);
            Assert.Equal(V2TestData.Model.Score(input, new PopulationTable(0), calibration).RawIndex, V2TestData.Model.Score(input, new PopulationTable(0), parsed).RawIndex);
        }

        Assert.Throws<ArgumentException>(() => V2TestData.Model.Score(Input("u", [Steady("twitter")]), new PopulationTable(0), ScoringTestData.DefaultCalibration));
    }

    private static readonly string[] Networks = ["twitter", "instagram", "youtube", "tiktok", "linkedin", "mastodon", "bluesky", "reddit", "somewhere-new"];

    private static readonly Lazy<SyntheticPopulation> Population = new(() => SyntheticPopulation.Create(new SyntheticOptions(400, Seed: 2024)));

    /// <summary>
    /// A steady user of one network whose every signal stands at standard score <paramref name="z"/> of that network's
    /// population (fitted scales), posting once a day.
    /// </summary>
    private static NetworkWindow AtStandardScore(Calibration calibration, string network, double z)
    {
        var scales = calibration.Scales!;
        var vocabulary = NetworkVocabulary.For(network);
        double At(V2Signal signal) => vocabulary.Exposes(V2Signals.Source(signal)) && scales.Fitted(network, signal) is { } scale ? scale.ValueAt(z) : double.NaN;
        return V2TestData.Steady(
            network,
            posts: 1,
            reactions: At(V2Signal.ReactionsPerPost),
            reshares: At(V2Signal.ResharesPerPost),
            replies: At(V2Signal.RepliesPerPost),
            mentions: At(V2Signal.MentionsPerDay),
            engagers: At(V2Signal.EngagersPerDay),
            audience: At(V2Signal.Followers),
            lists: At(V2Signal.ListMemberships),
            views: At(V2Signal.ViewsPerPost),
            saves: At(V2Signal.SavesPerPost));
    }

    /// <summary>A window of random size and gaps, with views and saves, whatever the network exposes.</summary>
    private static NetworkWindow RandomWindow(string network, int seed)
    {
        var random = new Random(seed);
        var scale = Math.Pow(10, random.Next(-2, 5));
        double Draw() => random.Next(4) == 0 ? double.NaN : random.Next(3) == 0 ? 0 : scale * random.NextDouble();
        return V2TestData.Steady(network, posts: Draw(), reactions: Draw(), reshares: Draw(), replies: Draw(), mentions: Draw(), engagers: Draw(), audience: Draw() * 100, lists: Draw(), views: Draw() * 50, saves: Draw(), daysWithData: random.Next(1, ScoringWindow.Days + 1));
    }
}
