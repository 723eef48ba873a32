using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Seeding;

namespace InfluenceFunctions.UnitTests.Seeding;

/// <summary>The demo's posts say what they claim: each post of an interest is about its topic, and each decoy (the same
/// ambiguous word without the context that settles it) is not, so the demo's topics and evidence are the attributor's.</summary>
public sealed class DemoInterestTests
{
    private static readonly TopicAttributor Attributor = new(TopicOntology.Default);

    public static TheoryData<string, string, string> Posts()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var interest in DemoActivity.Interests)
        {
            foreach (var post in interest.Posts)
            {
                data.Add(interest.Name, interest.Topic, post.Replace("{n}", "7", StringComparison.Ordinal));
            }
        }

        return data;
    }

    public static TheoryData<string, string, string> Decoys()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var interest in DemoActivity.Interests)
        {
            foreach (var decoy in interest.Decoys)
            {
                data.Add(interest.Name, interest.Topic, decoy);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Posts))]
    public void ShouldAttributeEveryDemoPostToItsInterestsTopic(string interest, string topic, string text) =>
        Assert.True(Attributor.Attribute(text).Any(m => m.TopicId == topic), $"{interest}: '{text}' is not about {topic}");

    [Theory]
    [MemberData(nameof(Decoys))]
    public void ShouldNotAttributeADecoyToTheTopicItsWordSuggests(string interest, string topic, string text) =>
        Assert.False(Attributor.Attribute(text).Any(m => m.TopicId == topic), $"{interest}: the decoy '{text}' counts for {topic}");

    [Fact]
    public void ShouldGiveEveryListedDemoPersonKnownInterestsAndUseAmbiguousWordsInSeveral()
    {
        var names = DemoActivity.Interests.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        Assert.All(DemoActivity.FirstPeople.SelectMany(p => p), name => Assert.Contains(name, names));
        Assert.All(DemoActivity.Interests, i => Assert.NotNull(TopicOntology.Default.Find(i.Topic)));

        // The ambiguity the demo shows: a word that means different topics in different posts.
        var twins = DemoActivity.Interests.Where(i => i.Posts.Any(p => p.StartsWith("Twins", StringComparison.OrdinalIgnoreCase) || p.Contains(" twins", StringComparison.OrdinalIgnoreCase))).Select(i => i.Topic).ToList();
        Assert.Equal(["minnesota-twins", "twins-parenting"], twins.Order(StringComparer.Ordinal));
        var python = DemoActivity.Interests.Where(i => i.Posts.Any(p => p.Contains("python", StringComparison.OrdinalIgnoreCase))).Select(i => i.Topic).ToList();
        Assert.Equal(["python-programming", "reptiles"], python.Order(StringComparer.Ordinal));
    }
}
