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
/// Micro precision and recall of topic attribution on two hand-labelled sets. Topics/labelled-posts.json is the set the
/// ontology was fitted to (Klout's misattributions and other ambiguous terms): a regression test, not a measure.
/// Topics/heldout-posts.json was written and labelled before the attributor ever ran on it and is never used for tuning:
/// its figures are the honest ones. A predicted topic is correct when it is labelled or is an ancestor of a labelled
/// topic (a post about the Minnesota Twins is about baseball); recall counts labelled topics that were predicted.
/// </summary>
public sealed class AttributionPrecisionTests(ITestOutputHelper output)
{
    private static readonly TopicOntology Ontology = TopicOntology.Default;
    private static readonly TopicAttributor Attributor = new(Ontology);

    [Fact]
    public void ShouldKeepPrecisionAndRecallOnTheSetTheOntologyWasFittedTo()
    {
        var posts = JsonSerializer.Deserialize<List<LabelledPost>>(File.ReadAllText(DataPath("labelled-posts.json")), Json)!;
        Assert.True(posts.Count >= 200, $"the labelled set has {posts.Count} posts");
        var card = Score(posts);
        Report("fitting set", card);

        // Floors a little below the measured figures: a change to the ontology or the attributor that loses ground fails here.
        Assert.True(card.Precision >= FittingFloors.Precision, card.ToString());
        Assert.True(card.Recall >= FittingFloors.Recall, card.ToString());
        Assert.True(card.PostsWithAWrongTopic <= FittingFloors.MostPostsWithAWrongTopic, card.ToString());
    }

    [Fact]
    public void ShouldAttributeTheHeldOutPostsItWasNeverTunedOn()
    {
        var posts = JsonSerializer.Deserialize<HeldOutSet>(File.ReadAllText(DataPath("heldout-posts.json")), Json)!.Posts;
        Assert.True(posts.Count >= 200, $"the held-out set has {posts.Count} posts");
        Assert.Equal(posts.Count, posts.Select(p => p.Id).Distinct(StringComparer.Ordinal).Count());
        var card = Score(posts);
        Report("held-out set", card);
        foreach (var kind in posts.GroupBy(p => p.Kind ?? "", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Report($"held-out {kind.Key}", Score(kind.ToList(), quiet: true));
        }

        Assert.True(card.Precision >= HeldOutFloors.Precision, card.ToString());
        Assert.True(card.Recall >= HeldOutFloors.Recall, card.ToString());
        Assert.True(card.PostsWithAWrongTopic <= HeldOutFloors.MostPostsWithAWrongTopic, card.ToString());
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

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Measured on the fitting set: precision 0.958, recall 0.885, 11 posts with a wrong topic (docs/topics.md); less a small margin.</summary>
    private static readonly Floors FittingFloors = new(Precision: 0.95, Recall: 0.87, MostPostsWithAWrongTopic: 13);

    /// <summary>
    /// Measured the first time the attributor ran on the held-out set: precision 0.689, recall 0.283, 86 posts with a wrong
    /// topic (docs/topics.md); less a small margin. Raise these only by improving the attributor on other data: tuning on
    /// these posts would make them a second fitting set.
    /// </summary>
    private static readonly Floors HeldOutFloors = new(Precision: 0.67, Recall: 0.27, MostPostsWithAWrongTopic: 90);

    private static string DataPath(string file) => Path.Combine(AppContext.BaseDirectory, "Topics", file);

    private Scorecard Score(IReadOnlyList<LabelledPost> posts, bool quiet = false)
    {
        int predicted = 0, correct = 0, labelled = 0, found = 0, postsWrong = 0, postsMissing = 0;
        foreach (var post in posts)
        {
            var topics = Attributor.Attribute(post.Text, post.Hashtags, post.Links).Select(m => m.TopicId).ToHashSet(StringComparer.Ordinal);
            var expected = post.Topics.ToHashSet(StringComparer.Ordinal);
            var acceptable = expected
                .SelectMany(id => Ontology.Ancestors(Ontology.Find(id) ?? throw new InvalidDataException($"unknown topic '{id}' in the label of: {post.Text}")).Select(a => a.Id))
                .Concat(expected)
                .ToHashSet(StringComparer.Ordinal);
            var wrong = topics.Where(t => !acceptable.Contains(t)).ToList();
            var missed = expected.Where(t => !topics.Contains(t)).ToList();
            predicted += topics.Count;
            correct += topics.Count - wrong.Count;
            labelled += expected.Count;
            found += expected.Count - missed.Count;
            postsWrong += wrong.Count > 0 ? 1 : 0;
            postsMissing += missed.Count > 0 ? 1 : 0;
            if (!quiet)
            {
                wrong.ForEach(t => output.WriteLine($"FP {t,-24} {post.Id} {post.Text}"));
                missed.ForEach(t => output.WriteLine($"FN {t,-24} {post.Id} {post.Text}"));
            }
        }

        return new Scorecard(posts.Count, predicted, correct, labelled, found, postsWrong, postsMissing);
    }

    private void Report(string set, Scorecard card)
    {
        output.WriteLine($"{set}: {card}");
        Console.WriteLine($"Topic attribution, {set}: {card}");
    }

    private sealed record Floors(double Precision, double Recall, int MostPostsWithAWrongTopic);

    /// <summary>Micro precision and recall over every (post, topic) pair, and how many posts got a topic they should not have.</summary>
    private sealed record Scorecard(int Posts, int Predicted, int Correct, int Labelled, int Found, int PostsWithAWrongTopic, int PostsMissingATopic)
    {
        public double Precision => Predicted == 0 ? 1 : (double)Correct / Predicted;

        public double Recall => Labelled == 0 ? 1 : (double)Found / Labelled;

        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"posts={Posts} predicted={Predicted} correct={Correct} labelled={Labelled} found={Found} precision={Precision:F3} recall={Recall:F3} postsWithAWrongTopic={PostsWithAWrongTopic} postsMissingATopic={PostsMissingATopic}");
    }

    private sealed record HeldOutSet(List<LabelledPost> Posts);

    private sealed record LabelledPost(string Text, List<string> Topics, List<string>? Hashtags, List<string>? Links, string? Id = null, string? Kind = null);
}
