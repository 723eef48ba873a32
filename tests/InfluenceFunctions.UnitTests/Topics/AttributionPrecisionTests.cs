using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Ingestion;
using InfluenceFunctions.Storage.Topics;
using InfluenceFunctions.Workflows.Topics;

namespace InfluenceFunctions.UnitTests.Topics;

/// <summary>
/// Precision and recall of topic attribution on a hand-labelled set of posts (Topics/labelled-posts.json), with
/// Klout's misattributions (twins/Minnesota, sausage, wine vs vodka, paper towels) and other ambiguous terms.
/// A predicted topic is correct when it is labelled or is an ancestor of a labelled topic (a post about the
/// Minnesota Twins is about baseball); recall counts labelled topics that were predicted.
/// </summary>
public sealed class AttributionPrecisionTests(ITestOutputHelper output)
{
    private static readonly TopicOntology Ontology = TopicOntology.Default;
    private static readonly TopicAttributor Attributor = new(Ontology);

    [Fact]
    public void ShouldAttributeTheLabelledPostsWithPrecisionOfAtLeastNinetyPercent()
    {
        var posts = LabelledPosts();
        Assert.True(posts.Count >= 200, $"the labelled set has {posts.Count} posts");
        int truePositives = 0, falsePositives = 0, falseNegatives = 0;
        foreach (var post in posts)
        {
            var predicted = Attributor.Attribute(post.Text, post.Hashtags, post.Links).Select(m => m.TopicId).ToHashSet(StringComparer.Ordinal);
            var expected = post.Topics.ToHashSet(StringComparer.Ordinal);
            var acceptable = expected.SelectMany(id => Ontology.Ancestors(Ontology.Find(id)!).Select(a => a.Id)).Concat(expected).ToHashSet(StringComparer.Ordinal);
            foreach (var topic in predicted)
            {
                if (acceptable.Contains(topic))
                {
                    truePositives += expected.Contains(topic) ? 1 : 0;
                }
                else
                {
                    falsePositives++;
                    output.WriteLine($"FP {topic,-24} {post.Text}");
                }
            }

            foreach (var topic in expected.Where(t => !predicted.Contains(t)))
            {
                falseNegatives++;
                output.WriteLine($"FN {topic,-24} {post.Text}");
            }
        }

        var precisionHits = predicted(posts, out var predictedCount);
        var precision = (double)precisionHits / predictedCount;
        var recall = (double)truePositives / (truePositives + falseNegatives);
        var line = string.Create(CultureInfo.InvariantCulture, $"posts={posts.Count} predicted={predictedCount} correct={precisionHits} falsePositives={falsePositives} labelled={truePositives + falseNegatives} found={truePositives} precision={precision:F3} recall={recall:F3}");
        output.WriteLine(line);
        Console.WriteLine("Topic attribution: " + line);
        Assert.True(precision >= 0.9, line);
        Assert.True(recall >= 0.75, line);
    }

    [Theory]
    [InlineData("My twins turned 3 today and I have no idea where the time went", "twins-parenting")]
    [InlineData("Twins walk-off in the 10th inning, what a night", "minnesota-twins")]
    [InlineData("Heading to Target Field for the Minnesota Twins opener", "minnesota-twins")]
    [InlineData("Grilled some bratwurst and sausages for the game", "sausage")]
    [InlineData("Opened a 2015 Napa cabernet tonight, a glass of wine with dinner", "wine")]
    [InlineData("Tested five brands of paper towels for absorbency", "paper-towels")]
    public void ShouldAttributeAnAmbiguousTermWhenTheContextSettlesIt(string text, string topic)
    {
        Assert.Contains(topic, Attributor.Attribute(text).Select(m => m.TopicId));
    }

    [Theory]
    [InlineData("What a season for the twins")]
    [InlineData("Heading to Target Field for the Minnesota Twins opener")] // the team, never the state
    [InlineData("Ugh that meeting was a total sausage fest")]
    [InlineData("I don't really like wine, give me a vodka soda any day")]
    [InlineData("The kids spilled juice and we're out of paper towels")]
    [InlineData("Ai is my cousin's name")]
    public void ShouldNotRepeatKloutsMisattributions(string text)
    {
        var topics = Attributor.Attribute(text).Select(m => m.TopicId).ToList();
        Assert.DoesNotContain("minnesota", topics);
        Assert.DoesNotContain("sausage", topics);
        Assert.DoesNotContain("wine", topics);
        Assert.DoesNotContain("paper-towels", topics);
        Assert.DoesNotContain("artificial-intelligence", topics);
        if (text.StartsWith("What a season", StringComparison.Ordinal))
        {
            Assert.Empty(topics);
        }
    }

    [Fact]
    public void ShouldGiveTheTermsAndContextAsEvidence()
    {
        var match = Assert.Single(Attributor.Attribute("Twins bullpen blew it again in the 8th inning"), m => m.TopicId == "minnesota-twins");
        Assert.Contains("twins", match.Terms);
        Assert.NotEmpty(match.Context);
        var tagged = Attributor.Attribute("Great night", ["#MNTwins"], ["https://www.mlb.com/news/x"]);
        Assert.Contains(tagged, m => m.TopicId == "minnesota-twins" && m.Terms.Contains("#mntwins"));
        Assert.Contains(tagged, m => m.TopicId == "baseball" && m.Terms.Contains("mlb.com"));
    }

    [Fact]
    public void ShouldShipAFewHundredTopicsInAHierarchyWithAmbiguousTermsCarryingContext()
    {
        Assert.InRange(Ontology.Topics.Count, 200, 2000);
        Assert.Equal("Sports > Baseball > Minnesota Twins", Ontology.PathOf(Ontology.Find("minnesota-twins")!));
        Assert.Equal("Family > Parenting > Parenting Twins", Ontology.PathOf(Ontology.Find("twins-parenting")!));
        Assert.All(Ontology.Topics.Where(t => t.Ambiguous.Count > 0), t => Assert.NotEmpty(t.Context));
        Assert.All(Ontology.Topics, t => Assert.Matches("^[a-z0-9-]+$", t.Id));
    }

    private static int predicted(List<LabelledPost> posts, out int predictedCount)
    {
        var correct = 0;
        predictedCount = 0;
        foreach (var post in posts)
        {
            var expected = post.Topics.ToHashSet(StringComparer.Ordinal);
            var acceptable = expected.SelectMany(id => Ontology.Ancestors(Ontology.Find(id)!).Select(a => a.Id)).Concat(expected).ToHashSet(StringComparer.Ordinal);
            foreach (var match in Attributor.Attribute(post.Text, post.Hashtags, post.Links))
            {
                predictedCount++;
                correct += acceptable.Contains(match.TopicId) ? 1 : 0;
            }
        }

        return correct;
    }

    private static List<LabelledPost> LabelledPosts()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Topics", "labelled-posts.json");
        return JsonSerializer.Deserialize<List<LabelledPost>>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    private sealed record LabelledPost(string Text, List<string> Topics, List<string>? Hashtags, List<string>? Links);
}
