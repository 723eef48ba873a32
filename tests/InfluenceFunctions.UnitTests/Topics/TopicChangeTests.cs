using Azure.Data.Tables;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage.Ingestion;
using InfluenceFunctions.Storage.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Runs;
using InfluenceFunctions.Workflows.Topics;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.UnitTests.Topics;

public sealed class TopicChangeTests
{
    private static readonly DateOnly Night = new(2026, 11, 27);
    private static readonly HashSet<string> NoneHidden = [];

    [Fact]
    public void ShouldCountOnlyVisibleKnownTopicsAsHad()
    {
        var profile = new TopicProfile("2026-11-27", [Topic("wine", 0.5), Topic("vodka", 0.7), Topic("no-such-topic", 0.9)]);
        var seen = VisibleTopics.Of(profile, new HashSet<string> { "vodka" }, TopicOntology.Default);
        Assert.Equal(["wine"], seen.Keys);
        Assert.Equal(0.5, seen["wine"]);
    }

    [Fact]
    public void ShouldCompareARerunAgainstTheStoredPreviousNightNotItsOwnRow()
    {
        var row = new TableEntity("0001", "topics|u1") { ["Day"] = "2026-11-26" };
        var nightOne = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["vodka"] = 0.9 };
        VisibleTopicRows.Write(row, nightOne, (null, new SortedDictionary<string, double>()));

        // Night 2 replaces the row: what night 1 saw becomes the previous set.
        var yesterday = VisibleTopicRows.YesterdayFor(row, Night, NoneHidden, TopicOntology.Default)!.Value;
        Assert.Equal("2026-11-26", yesterday.Day);
        var tonight = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["wine"] = 0.4 };
        var rewritten = new TableEntity("0001", "topics|u1") { ["Day"] = "2026-11-27" };
        VisibleTopicRows.Write(rewritten, tonight, yesterday);

        // Night 2 again finds night 1 as yesterday, so the same changes.
        var again = VisibleTopicRows.YesterdayFor(rewritten, Night, NoneHidden, TopicOntology.Default)!.Value;
        Assert.Equal("2026-11-26", again.Day);
        var changes = VisibleTopics.Compare("u1", again.Topics, tonight, NoneHidden).ToList();
        Assert.Equal([("wine", true, 0.4), ("vodka", false, 0.9)], changes.Select(c => (c.Topic, c.Gained, c.Strength)));

        // An older night re-run over this row says nothing.
        Assert.Null(VisibleTopicRows.YesterdayFor(rewritten, Night.AddDays(-1), NoneHidden, TopicOntology.Default));
    }

    [Fact]
    public void ShouldNeverReportATopicHiddenNowEitherWay()
    {
        var yesterday = new Dictionary<string, double> { ["minnesota-twins"] = 0.8 };
        var tonight = new Dictionary<string, double> { ["wine"] = 0.4 };
        var changes = VisibleTopics.Compare("u1", yesterday, tonight, new HashSet<string> { "minnesota-twins", "wine" });
        Assert.Empty(changes);
    }

    [Fact]
    public void ShouldReadAVisibleSetFromARowWrittenBeforeTheColumnExisted()
    {
        var row = new TableEntity("0001", "topics|u1") { ["Day"] = "2026-11-26" };
        PackedJson.Write(row, "T", new TopicProfile("2026-11-26", [Topic("wine", 0.3), Topic("vodka", 0.6)]));
        var yesterday = VisibleTopicRows.YesterdayFor(row, Night, new HashSet<string> { "vodka" }, TopicOntology.Default)!.Value;
        Assert.Equal(["wine"], yesterday.Topics.Keys);
    }

    [Fact]
    public void ShouldRefuseToReadAStepsDataBeforeThatStepRan()
    {
        // The shard pass hands data from step to step in its context: a step placed before the one that produces what
        // it reads fails loudly instead of reading an empty or stale value.
        var context = new ShardPassContext(new ScoreShardInput(Night, "run", 3, "v1", null));
        Assert.Throws<InvalidOperationException>(() => context.Scores);
        Assert.Throws<InvalidOperationException>(() => context.TopicChanges);
        context.TopicChanges = [new TopicChange("u1", "wine", true, 0.4)];
        Assert.Single(context.TopicChanges);
        Assert.Equal(InfluenceFunctions.Storage.Shards.Key(3), context.ShardKey);
    }

    private static UserTopic Topic(string id, double strength) =>
        new(id, 50, new TopicEvidence(3, 10, [], [], [], new PlusKEvidence(0, 0, 0, 0), 60, strength));
}
