using Azure.Data.Tables;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage.Ingestion;
using InfluenceFunctions.Storage.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Runs;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Workflows.Topics;

/// <summary>
/// The topic step of a shard's nightly pass, after the score step (it needs tonight's scores). Storage spend per shard: one partition query of table "topics" (posts, +K, topics and hidden rows
/// together), the topics rows written in 100-entity transactions, and one transaction of two hand-over rows
/// (this shard's +K graph and leaderboard candidates). Deterministic: the same night re-run writes the same rows.
/// It also compares each user's visible topics with the previous night's (<see cref="VisibleTopics"/>) from the rows
/// it already read, and hands the changes on in the context (the webhook event step reads them).
/// </summary>
public sealed class TopicStep(InfluenceTables tables, TopicAttributor attributor, PlusKGraphCache graphs, IOptions<TopicOptions> options, TopicOntology ontology) : IShardStep
{
    public async Task RunAsync(ShardPassContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (night, shardKey) = (context.Input.Day, context.ShardKey);

        // Every user the live model processed tonight: their score, or null when unscored or withdrawn.
        var results = new Dictionary<string, int?>(StringComparer.Ordinal);
        foreach (var user in context.Scores.Users)
        {
            results[user.UserId] = user.Score;
        }

        foreach (var userId in context.Scores.Withdrawn)
        {
            results[userId] = null;
        }

        var graph = await graphs.GetAsync(night.AddDays(-1), cancellationToken);
        var rows = new Dictionary<(string Kind, string User), TableEntity>();
        await foreach (var row in tables.Topics.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {shardKey}"), maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            rows[TopicRows.Parse(row.RowKey)] = row;
        }

        var actions = new List<TableTransactionAction>();
        var candidates = new SortedDictionary<string, List<LeaderCandidate>>(StringComparer.Ordinal);
        var topicChanges = new List<TopicChange>();
        foreach (var (userId, score) in results.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            rows.TryGetValue((TopicRows.Topics, userId), out var existing);
            var hidden = TopicRows.HiddenTopics(rows.GetValueOrDefault((TopicRows.Hidden, userId)));
            var yesterday = VisibleTopicRows.YesterdayFor(existing, night, hidden, ontology);
            if (score is not { } userScore)
            {
                if (existing is not null && yesterday is { Topics.Count: > 0 } lostAll)
                {
                    // Unscored tonight: no influence to be about anything. The row stays one night, empty, to remember
                    // what was lost (so a re-run finds the same topic.lost); the next unscored night deletes it.
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, TopicsRow(shardKey, userId, new TopicProfile(DayText(night), []), [], lostAll)));
                    topicChanges.AddRange(VisibleTopics.Compare(userId, lostAll.Topics, new SortedDictionary<string, double>(), hidden));
                }
                else if (existing is not null)
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, existing, Azure.ETag.All));
                }

                continue;
            }

            var posts = rows.TryGetValue((TopicRows.Posts, userId), out var postsRow) ? TopicRows.ReadPosts(postsRow) : [];
            var profile = TopicScorer.Score(attributor, night, userScore, posts, graph.ReceivedBy(UserKeys.Of(userId)), hidden);
            if (profile.Topics.Count == 0 && existing is null)
            {
                continue;
            }

            var tonight = VisibleTopics.Of(profile, hidden, ontology);
            var compared = yesterday ?? (null, tonight); // A row of a later night (an old night re-run): nothing to say.
            topicChanges.AddRange(VisibleTopics.Compare(userId, compared.Topics, tonight, hidden));
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, TopicsRow(shardKey, userId, profile, tonight, compared)));
            foreach (var topic in profile.Topics.Where(t => !hidden.Contains(t.TopicId)))
            {
                (candidates.TryGetValue(topic.TopicId, out var list) ? list : candidates[topic.TopicId] = []).Add(new LeaderCandidate(userId, topic.Score));
            }
        }

        foreach (var chunk in actions.Chunk(TableBatches.MaxBatch))
        {
            await tables.Topics.SubmitTransactionAsync(chunk, cancellationToken);
        }

        context.TopicChanges = topicChanges;

        var size = options.Value.LeaderboardSize;
        var leaders = candidates.ToDictionary(c => c.Key, c => LeaderCandidate.Rank(c.Value).Take(size).ToList(), StringComparer.Ordinal);
        var gifts = new List<GraphGift>();
        var first = night.AddDays(-TopicScorer.WindowDays + 1);
        foreach (var ((kind, giver), row) in rows.Where(r => r.Key.Kind == TopicRows.PlusK).OrderBy(r => r.Key.User, StringComparer.Ordinal))
        {
            var giverKey = UserKeys.Of(giver);
            gifts.AddRange(PlusKService.ReadGiven(row)
                .Select(g => (Gift: g, Day: DateOnly.FromDateTime(g.GivenUtc.UtcDateTime)))
                .Where(g => g.Day >= first && g.Day <= night)
                .Select(g => new GraphGift(giverKey, UserKeys.Of(g.Gift.Receiver), g.Gift.Topic, g.Day.DayNumber)));
        }

        var nightKey = DayKeys.Of(night);
        var graphRow = new TableEntity(nightKey, TopicNightRows.GraphRowPrefix + shardKey);
        PackedJson.Write(graphRow, "G", gifts);
        var leadersRow = new TableEntity(nightKey, TopicNightRows.LeadersRowPrefix + shardKey);
        PackedJson.Write(leadersRow, "L", leaders);
        await tables.TopicNights.SubmitTransactionAsync(
            [new TableTransactionAction(TableTransactionActionType.UpsertReplace, graphRow), new TableTransactionAction(TableTransactionActionType.UpsertReplace, leadersRow)],
            cancellationToken);
    }

    private static TableEntity TopicsRow(string shardKey, string userId, TopicProfile profile, SortedDictionary<string, double> visible, (string? Day, SortedDictionary<string, double> Topics) yesterday)
    {
        var row = new TableEntity(shardKey, TopicRows.RowKey(TopicRows.Topics, userId)) { ["Day"] = profile.Day, ["Count"] = profile.Topics.Count };
        PackedJson.Write(row, "T", profile);
        VisibleTopicRows.Write(row, visible, yesterday);
        return row;
    }

    private static string DayText(DateOnly night) => night.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
