using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using InfluenceFunctions.Api.Auth;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Topics;
using InfluenceFunctions.Workflows.Topics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Api.Topics;

/// <summary>
/// The topic endpoints: the ontology, a user's topics with evidence, why one topic was assigned, hiding a topic,
/// and a topic's leaderboard. Reads are point reads or one partition query. Hidden topics are shown only to their
/// owner (authenticated as themselves), flagged.
/// </summary>
public sealed class TopicsHandler(
    InfluenceTables tables,
    TopicOntology ontology,
    UserTokenValidator tokens,
    PlusKService plusK,
    IOptions<InfluenceOptions> options,
    IOptions<TopicOptions> topicOptions,
    StoredUserTopics stored)
{
    private const int MaxConcurrencyRetries = 8;

    /// <summary>The leaderboard's query parameter.</summary>
    public static readonly IReadOnlyList<ApiParameterMetadata> LeadersQuery =
    [
        new("top", ApiParameterPlace.Query, "How many leaders, 1 to the leaderboard's size (default 10).", "integer"),
    ];

    public Ok<OntologyView> GetOntology() => TypedResults.Ok(new OntologyView(
        ontology.Version,
        ontology.Topics.Select(t => new OntologyTopicView(t.Id, t.Name, t.Parent, ontology.PathOf(t), t.Terms.Concat(t.Ambiguous).ToList(), t.Hashtags)).ToList()));

    public async Task<Results<Ok<LeadersView>, ValidationProblem, NotFoundProblem>> GetLeadersAsync(string topicId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ontology.Find(topicId) is not { } topic)
        {
            return Problems.NotFound($"No topic '{topicId}'. GET /api/v1/topics lists them.");
        }

        var size = topicOptions.Value.LeaderboardSize;
        var top = 10;
        if (request.Query.TryGetValue("top", out var value) && (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1 || top > size))
        {
            return Problems.Invalid("top", $"top must be a whole number from 1 to {size}.");
        }

        var leaders = new List<LeaderView>();
        await foreach (var row in tables.Leaders.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {topic.Id}"), maxPerPage: top, cancellationToken: cancellationToken))
        {
            leaders.Add(new LeaderView(leaders.Count + 1, row.GetString("UserId"), row.GetInt32("Score")));
            if (leaders.Count == top)
            {
                break;
            }
        }

        return TypedResults.Ok(new LeadersView(TopicView(topic), leaders));
    }

    public async Task<Results<Ok<UserTopicsView>, ValidationProblem, NotFoundProblem, UserProblem>> GetUserTopicsAsync(string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IngestionValidator.ValidateUserId(userId) is { } error)
        {
            return Problems.Invalid("userId", error);
        }

        var (owner, refusal) = await OwnerAsync(request, userId);
        if (refusal is not null)
        {
            return refusal;
        }

        var (profile, hidden) = await ReadAsync(userId, cancellationToken);
        if (profile is null && await plusK.StandingAsync(userId, cancellationToken) == UserStanding.Unknown)
        {
            return Problems.NotFound($"No user '{userId}'.");
        }

        var topics = (profile?.Topics ?? [])
            .Where(t => owner || !hidden.Contains(t.TopicId))
            .Where(t => ontology.Find(t.TopicId) is not null)
            .ToList();
        var visible = topics.Where(t => !hidden.Contains(t.TopicId)).Take(TopicScorer.MaxVisible).ToHashSet();
        return TypedResults.Ok(new UserTopicsView(
            userId,
            profile?.Day,
            topics.Where(t => visible.Contains(t) || hidden.Contains(t.TopicId)).Select(t => View(t, hidden.Contains(t.TopicId), owner)).ToList()));
    }

    public async Task<Results<Ok<UserTopicView>, ValidationProblem, NotFoundProblem, UserProblem>> GetUserTopicAsync(string userId, string topicId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IngestionValidator.ValidateUserId(userId) is { } error)
        {
            return Problems.Invalid("userId", error);
        }

        if (ontology.Find(topicId) is not { } topic)
        {
            return Problems.NotFound($"No topic '{topicId}'. GET /api/v1/topics lists them.");
        }

        var (owner, refusal) = await OwnerAsync(request, userId);
        if (refusal is not null)
        {
            return refusal;
        }

        var (profile, hidden) = await ReadAsync(userId, cancellationToken);
        var assigned = profile?.Topics.FirstOrDefault(t => t.TopicId == topic.Id);
        if (assigned is null || (hidden.Contains(topic.Id) && !owner))
        {
            return Problems.NotFound($"Topic '{topic.Id}' is not among user '{userId}''s topics.");
        }

        var e = assigned.Evidence;
        var why = string.Create(CultureInfo.InvariantCulture, $"{e.Posts} posts about {topic.Name} in the last {TopicScorer.WindowDays} days, with {e.Engagement:0.#} engagement, ")
            + $"matched by {string.Join(", ", e.Terms.Select(t => $"'{t.Term}'"))}"
            + (e.Context.Count > 0 ? $" (meaning settled by {string.Join(", ", e.Context.Select(c => $"'{c}'"))})" : string.Empty)
            + string.Create(CultureInfo.InvariantCulture, $"; topic strength {e.Strength:0.00} of the influence score {e.UserScore}")
            + (e.PlusK.Points > 0 ? string.Create(CultureInfo.InvariantCulture, $", plus {e.PlusK.Points} points of +K from {e.PlusK.Givers} people") : string.Empty)
            + ".";
        return TypedResults.Ok(new UserTopicView(userId, profile!.Day, TopicView(topic), assigned.Score, hidden.Contains(topic.Id), why, e));
    }

    /// <summary>PUT (hide) or DELETE (unhide) .../topics/{topicId}/hidden. Hiding also takes the user off that topic's leaderboard now.</summary>
    public async Task<Results<Ok<HiddenTopicView>, UserProblem, NotFoundProblem>> SetHiddenAsync(string userId, string topicId, bool hide, HttpRequest request, CancellationToken cancellationToken)
    {
        if (await UserProblems.RequireSelfAsync(tokens, request, userId) is { } refusal)
        {
            return refusal;
        }

        if (ontology.Find(topicId) is not { } topic)
        {
            return Problems.NotFound($"No topic '{topicId}'. GET /api/v1/topics lists them.");
        }

        var shard = Shards.KeyOf(userId, options.Value.ShardCount);
        var rowKey = TopicRows.RowKey(TopicRows.Hidden, userId);
        for (var attempt = 1; ; attempt++)
        {
            var response = await tables.Topics.GetEntityIfExistsAsync<TableEntity>(shard, rowKey, cancellationToken: cancellationToken);
            var row = response.HasValue ? response.Value! : new TableEntity(shard, rowKey);
            var hidden = TopicRows.HiddenTopics(row);
            if (!(hide ? hidden.Add(topic.Id) : hidden.Remove(topic.Id)))
            {
                break; // Already as asked: nothing to write.
            }

            row["Topics"] = JsonSerializer.Serialize(hidden.Order(StringComparer.Ordinal));
            try
            {
                if (response.HasValue)
                {
                    await tables.Topics.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await tables.Topics.AddEntityAsync(row, cancellationToken);
                }

                break;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxConcurrencyRetries)
            {
                // The user changed their hidden topics concurrently: read again.
            }
        }

        if (hide)
        {
            var (profile, _) = await ReadAsync(userId, cancellationToken);
            if (profile?.Topics.FirstOrDefault(t => t.TopicId == topic.Id) is { } assigned)
            {
                try
                {
                    await tables.Leaders.DeleteEntityAsync(topic.Id, LeaderboardBuilder.RowKey(assigned.Score, userId), ETag.All, cancellationToken);
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    // Not on the leaderboard.
                }
            }
        }

        return TypedResults.Ok(new HiddenTopicView(userId, topic.Id, hide));
    }

    private TopicRefView TopicView(Topic topic) => new(topic.Id, topic.Name, ontology.PathOf(topic));

    private UserTopicSummaryView View(UserTopic topic, bool hidden, bool owner)
    {
        var definition = ontology.Find(topic.TopicId)!;
        var evidence = topic.Evidence;
        return new UserTopicSummaryView(
            topic.TopicId,
            definition.Name,
            ontology.PathOf(definition),
            topic.Score,
            owner ? hidden : null,
            new EvidenceSummaryView(evidence.Posts, evidence.Engagement, evidence.Terms.Take(5).ToList(), evidence.TopPosts, evidence.PlusK));
    }

    /// <summary>Whether the request is the user's own (a valid token for them); anonymous is fine, a bad token is not.</summary>
    private async Task<(bool Owner, UserProblem? Refusal)> OwnerAsync(HttpRequest request, string userId)
    {
        var identity = await tokens.AuthenticateAsync(request);
        return identity switch
        {
            null => (false, null),
            { Authenticated: false } => (false, UserProblems.Unauthenticated(identity.Error!)),
            _ => (identity.UserId == userId, null),
        };
    }

    private Task<(TopicProfile? Profile, HashSet<string> Hidden)> ReadAsync(string userId, CancellationToken cancellationToken) =>
        stored.ReadAsync(userId, cancellationToken);
}

public sealed record OntologyView(string Version, IReadOnlyList<OntologyTopicView> Topics);

/// <summary>One topic of the ontology: where it sits ("Sports > Baseball") and the words that name it.</summary>
public sealed record OntologyTopicView(string Id, string Name, string? Parent, string Path, IReadOnlyList<string> Aliases, IReadOnlyList<string> Hashtags);

public sealed record TopicRefView(string Id, string Name, string Path);

public sealed record LeaderView(int Rank, string? UserId, int? Score);

public sealed record LeadersView(TopicRefView Topic, IReadOnlyList<LeaderView> Leaders);

/// <summary>A user's topics; <c>hidden</c> is shown (and hidden topics listed) only to the user themselves.</summary>
public sealed record UserTopicsView(string UserId, string? Day, IReadOnlyList<UserTopicSummaryView> Topics);

public sealed record UserTopicSummaryView(string Id, string Name, string Path, int Score, bool? Hidden, EvidenceSummaryView Evidence);

/// <summary>The evidence in brief: the top five terms.</summary>
public sealed record EvidenceSummaryView(int Posts, double Engagement, IReadOnlyList<TermCount> Terms, IReadOnlyList<EvidencePost> TopPosts, PlusKEvidence PlusK);

/// <summary>Why one topic was assigned, in a sentence and in full.</summary>
public sealed record UserTopicView(string UserId, string Day, TopicRefView Topic, int Score, bool Hidden, string Why, TopicEvidence Evidence);

public sealed record HiddenTopicView(string UserId, string TopicId, bool Hidden);
