using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Ingestion;
using InfluenceFunctions.Storage.Topics;
using InfluenceFunctions.Workflows.Topics;

namespace InfluenceFunctions.UnitTests.Topics;

public sealed class TopicScoringTests
{
    private static readonly DateOnly Night = new(2026, 11, 27);
    private static readonly TopicAttributor Attributor = new(TopicOntology.Default);

    [Fact]
    public void ShouldDiscountAClosedRingAndAMutualPairButNotAnIndependentGiver()
    {
        // 1, 2, 3 give only to each other (a closed ring); 4 and 5 give to each other and 5 also gives to 6; 7 gives to 1.
        var weights = PlusKRings.Weights([(1, 2), (2, 3), (3, 1), (4, 5), (5, 4), (5, 6), (7, 1)]);
        Assert.Equal(PlusKRings.RingWeight, weights[(1, 2)]);
        Assert.Equal(PlusKRings.RingWeight, weights[(3, 1)]);
        Assert.Equal(PlusKRings.MutualWeight, weights[(4, 5)]);
        Assert.Equal(1.0, weights[(5, 6)]);
        Assert.Equal(1.0, weights[(7, 1)]);
    }

    [Fact]
    public void ShouldNotTreatARingWhoseMembersAlsoGiveOutsideAsClosed()
    {
        var weights = PlusKRings.Weights([(1, 2), (2, 3), (3, 1), (3, 9)]);
        Assert.Equal(1.0, weights[(1, 2)]);
        Assert.Equal(1.0, weights[(3, 9)]);
    }

    [Fact]
    public void ShouldHandleALongChainWithoutRecursion()
    {
        var chain = Enumerable.Range(0, 200_000).Select(i => ((ulong)i, (ulong)(i + 1))).ToList();
        chain.Add((200_000, 0));
        var weights = PlusKRings.Weights(chain);
        Assert.Equal(PlusKRings.RingWeight, weights[(0, 1)]);
    }

    [Fact]
    public void ShouldScoreHigherWithMoreEngagementAndNeedTwoPosts()
    {
        var quiet = Score(50, Posts(6, reactions: 0));
        var loud = Score(50, Posts(6, reactions: 500));
        var once = Score(50, Posts(1, reactions: 5000));
        Assert.True(Topic(loud, "minnesota-twins").Score > Topic(quiet, "minnesota-twins").Score);
        Assert.InRange(Topic(loud, "minnesota-twins").Score, 1, 50);
        Assert.DoesNotContain(once.Topics, t => t.TopicId == "minnesota-twins");
    }

    [Fact]
    public void ShouldCapPlusKAndCountEachGiverOnceAtTheirBestWeight()
    {
        var posts = Posts(6, reactions: 10);
        var baseline = Topic(Score(40, posts), "minnesota-twins").Score;
        var sameGiver = Enumerable.Range(0, 10).Select(d => new ReceivedPlusK(1, "minnesota-twins", Night.AddDays(-d), 1.0));
        Assert.Equal(baseline + 2, Topic(Score(40, posts, sameGiver), "minnesota-twins").Score);
        var many = Enumerable.Range(0, 50).Select(g => new ReceivedPlusK((ulong)g, "minnesota-twins", Night, 1.0));
        var capped = Topic(Score(40, posts, many), "minnesota-twins");
        Assert.Equal(baseline + TopicScorer.MaxPlusKPoints, capped.Score);
        Assert.Equal(50, capped.Evidence.PlusK.Givers);
        var ring = Enumerable.Range(0, 5).Select(g => new ReceivedPlusK((ulong)g, "minnesota-twins", Night, PlusKRings.RingWeight));
        Assert.Equal(baseline + 1, Topic(Score(40, posts, ring), "minnesota-twins").Score);
        var noPosts = Score(40, [], many);
        Assert.Empty(noPosts.Topics);
    }

    [Fact]
    public void ShouldKeepHiddenTopicsOutOfTheTwentyVisibleButStoreThem()
    {
        var subjects = new[] { "sushi", "pizza", "espresso", "yoga", "bitcoin", "kubernetes", "javascript", "gardening", "houseplants", "skincare", "photography", "astronomy", "dinosaurs", "podcast", "anime", "minecraft", "fortnite", "tennis", "cycling", "meditation", "bourbon", "tequila" };
        var posts = subjects.SelectMany((s, i) => new[] { Post($"a{i}", $"Loving {s}", i), Post($"b{i}", $"More {s}", i) }).ToList();
        var profile = TopicScorer.Score(Attributor, Night, 60, posts, [], new HashSet<string> { "tequila" });
        Assert.Equal(TopicScorer.MaxVisible, profile.Topics.Count(t => t.TopicId != "tequila"));
        Assert.Contains(profile.Topics, t => t.TopicId == "tequila");
    }

    [Fact]
    public void ShouldIgnorePostsOutsideTheNinetyDayWindow()
    {
        var old = Posts(6, reactions: 10).Select(p => p with { Day = Night.AddDays(-TopicScorer.WindowDays) }).ToList();
        Assert.Empty(Score(50, old).Topics);
    }

    private static TopicProfile Score(int userScore, IEnumerable<StoredPost> posts, IEnumerable<ReceivedPlusK>? plusK = null) =>
        TopicScorer.Score(Attributor, Night, userScore, posts, plusK ?? [], new HashSet<string>());

    private static UserTopic Topic(TopicProfile profile, string id) => Assert.Single(profile.Topics, t => t.TopicId == id);

    private static List<StoredPost> Posts(int count, double reactions) =>
        Enumerable.Range(0, count).Select(i => Post($"p{i}", "Twins bullpen was lights out in the 9th inning", reactions) with { Day = Night.AddDays(-i) }).ToList();

    private static StoredPost Post(string id, string text, double reactions) => new(id, "twitter", Night, text, [], [], reactions, 0, 0);
}
