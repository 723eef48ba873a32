using System.Globalization;
using InfluenceFunctions.Api.Auth;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Domain.People;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.People;
using InfluenceFunctions.Storage.Topics;
using InfluenceFunctions.Workflows.People;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Api.Profile;

/// <summary>
/// GET /v1/users/{userId}/profile: everything the person's profile page shows, in one call, for the person only
/// (their bearer token: 401 without, 403 for another user). The score row is read directly, not through the partner
/// cache, so a withdrawn score shows as what it is. Storage: point reads of the person's own rows (account, score,
/// topics, hidden topics, +K given, erasure), and last night's +K graph (one query per process per night, cached).
/// </summary>
public sealed class ProfileHandler(
    UserTokenValidator tokens,
    AccountStore accounts,
    InfluenceTables tables,
    StoredUserTopics storedTopics,
    TopicOntology ontology,
    PlusKService plusK,
    PlusKGraphCache plusKGraphs,
    ErasureService erasure,
    RunSchedule schedule,
    IOptions<InfluenceOptions> options,
    IOptions<PrivacyOptions> privacy,
    TimeProvider clock)
{
    public const int HistoryDays = 365;

    private readonly Lazy<IReadOnlyList<TopicChoice>> topicChoices = new(() =>
        ontology.Topics.Select(t => new TopicChoice(t.Id, ontology.PathOf(t))).OrderBy(t => t.Path, StringComparer.Ordinal).ToList());

    public async Task<Results<Ok<ProfileView>, ValidationProblem, UserProblem>> GetAsync(string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IngestionValidator.ValidateUserId(userId) is { } error)
        {
            return Problems.Invalid("userId", error);
        }

        if (await UserProblems.RequireSelfAsync(tokens, request, userId) is { } refusal)
        {
            return refusal;
        }

        var shard = Shards.KeyOf(userId, options.Value.ShardCount);
        var accountRead = accounts.GetAsync(userId, cancellationToken);
        var scoreRead = tables.Scores.GetEntityIfExistsAsync<ScoreEntity>(shard, userId, cancellationToken: cancellationToken);
        var topicsRead = storedTopics.ReadAsync(userId, cancellationToken);
        var plusKRead = plusK.StatusAsync(userId, cancellationToken);
        var erasureRead = erasure.StatusAsync(userId, cancellationToken);
        var account = await accountRead;
        var scoreResponse = await scoreRead;
        var row = scoreResponse.HasValue ? scoreResponse.Value : null;
        var (topicProfile, hidden) = await topicsRead;
        var (remaining, resets, given) = await plusKRead;
        var erasureStatus = await erasureRead;

        var now = clock.GetUtcNow();
        var nextRun = schedule.NextRunAfter(now);
        var lastNight = row is { Day.Length: > 0 } ? DateOnly.Parse(row.Day, CultureInfo.InvariantCulture) : DateOnly.FromDateTime(now.UtcDateTime).AddDays(-1);
        var history = History(row, lastNight);
        var received = (await plusKGraphs.GetAsync(lastNight, cancellationToken)).ReceivedBy(UserKeys.Of(userId))
            .GroupBy(r => r.Topic, StringComparer.Ordinal)
            .Select(g => new PlusKReceived(g.Key, TopicName(g.Key), g.Count()))
            .OrderByDescending(r => r.Count)
            .ThenBy(r => r.Topic, StringComparer.Ordinal)
            .ToList();

        return TypedResults.Ok(new ProfileView(
            userId,
            now,
            new AccountSummary(
                account.OptedIn,
                account.OptedInUtc,
                account.Eligible,
                account.Connections.Select(c => new ConnectionView(c.Network, PlainWords.NetworkName(c.Network), c.Account, c.ConnectedUtc)).ToList(),
                account.Disconnections.Select(d => new DisconnectionView(d.Network, PlainWords.NetworkName(d.Network), d.DisconnectedUtc)).ToList(),
                Connectable),
            Score(row, account, nextRun),
            history,
            ScoreMilestones.Along(history.Days.Select(d => (d.Day, d.Score)))
                .Select(m => new MilestoneView(m.Day, m.Milestone, m.Up ? "up" : "down", m.PreviousScore, m.Score, PlainWords.Milestone(m)))
                .ToList(),
            Topics(topicProfile, hidden),
            new PlusKSummary(remaining, PlusKService.DailyLimit, resets, given.Select(g => new PlusKGiven(g.Receiver, g.Topic, TopicName(g.Topic), g.GivenUtc)).ToList(), received, received.Sum(r => r.Count), lastNight, topicChoices.Value),
            erasureStatus,
            privacy.Value.ErasureSettleSeconds));
    }

    private static ScoreSummary Score(ScoreEntity? row, Account account, DateTimeOffset nextRun)
    {
        if (row is null || row.Day.Length == 0)
        {
            var reason = account.Eligible ? ScoreViews.NotScoredYet : "no connected network";
            return new ScoreSummary("unscored", reason, PlainWords.WhatNext(reason, nextRun), null, null, null, null, null, null, null, null, [], nextRun);
        }

        var day = DateOnly.Parse(row.Day, CultureInfo.InvariantCulture);
        var scored = row.Current.Status == ScoreRowStatus.Scored;
        var status = scored ? "scored" : "unscored"; // A withdrawn result is unscored to its owner, with its reason.
        var previous = row.PrevDay.Length > 0 && row.Previous.Status == ScoreRowStatus.Scored ? row.PrevScore : null;
        var moves = ScoreRows.Moves(row).Select(m => new MoveView(PlainWords.Sentence(m), Math.Round(m.Points, 1))).ToList();
        return new ScoreSummary(
            status,
            scored ? null : row.Reason,
            scored ? PlainWords.WhatNext(null, nextRun) : PlainWords.WhatNext(row.Reason, nextRun),
            row.Score,
            ScoreViews.Components(row),
            day,
            row.ModelVersion,
            row.PrevDay.Length > 0 ? DateOnly.Parse(row.PrevDay, CultureInfo.InvariantCulture) : null,
            previous,
            new DeltasView(Delta(row, day, 1), Delta(row, day, 7), Delta(row, day, 30)),
            row.Score is { } s && previous is { } p ? s - p : null,
            moves,
            nextRun);
    }

    private static HistorySummary History(ScoreEntity? row, DateOnly lastNight)
    {
        var from = lastNight.AddDays(-(HistoryDays - 1));
        var days = ScoreHistory.Range(row?.History, from, lastNight)
            .Select(d => new HistoryPoint(d.Day, d.Value == ScoreHistory.Unscored ? null : d.Value))
            .ToList();
        return new HistorySummary(from, lastNight, days);
    }

    private List<TopicView> Topics(TopicProfile? profile, HashSet<string> hidden) =>
        (profile?.Topics ?? [])
            .Where(t => ontology.Find(t.TopicId) is not null)
            .Select(t => new TopicView(
                t.TopicId,
                TopicName(t.TopicId),
                ontology.PathOf(ontology.Find(t.TopicId)!),
                t.Score,
                hidden.Contains(t.TopicId),
                new TopicEvidenceView(
                    t.Evidence.Posts,
                    Math.Round(t.Evidence.Engagement, 1),
                    t.Evidence.Terms.Take(5).ToList(),
                    t.Evidence.Context,
                    t.Evidence.TopPosts.Select(p => new EvidencePostView(p.Network, PlainWords.NetworkName(p.Network), p.Day, p.Text, p.Reactions, p.Reshares, p.Replies)).ToList(),
                    t.Evidence.PlusK)))
            .ToList();

    private string TopicName(string topicId) => ontology.Find(topicId)?.Name ?? topicId;

    private static int? Delta(ScoreEntity row, DateOnly day, int daysBack)
    {
        var then = ScoreHistory.Get(row.History, day.AddDays(-daysBack));
        return row.Score is { } now && then is > 0 and <= 100 ? now - then : null;
    }

    /// <summary>What the connect form offers: every network, a Facebook page as its own choice.</summary>
    private static readonly IReadOnlyList<ConnectableView> Connectable = Networks.All
        .Select(n => n == "facebookpage"
            ? new ConnectableView(n, "facebook", StoredNames.Of(ConnectionKind.Page), PlainWords.NetworkName(n))
            : new ConnectableView(n, n, StoredNames.Of(ConnectionKind.Profile), PlainWords.NetworkName(n)))
        .ToList();
}

public sealed record ProfileView(
    string UserId,
    DateTimeOffset GeneratedUtc,
    AccountSummary Account,
    ScoreSummary Score,
    HistorySummary History,
    IReadOnlyList<MilestoneView> Milestones,
    IReadOnlyList<TopicView> Topics,
    PlusKSummary PlusK,
    ErasureStatus? Erasure,
    int ErasureSettleSeconds);

public sealed record AccountSummary(
    bool OptedIn,
    DateTimeOffset? OptedInUtc,
    bool Scored,
    IReadOnlyList<ConnectionView> Connections,
    IReadOnlyList<DisconnectionView> RecentlyDisconnected,
    IReadOnlyList<ConnectableView> Connectable);

/// <summary>A connected account; <see cref="Id"/> is the stored network, the id the disconnect route takes.</summary>
public sealed record ConnectionView(string Id, string Name, string Account, DateTimeOffset ConnectedUtc);

public sealed record DisconnectionView(string Id, string Name, DateTimeOffset DisconnectedUtc);

/// <summary>A network the connect form offers: the stored id, and the (network, kind) the connect route takes.</summary>
public sealed record ConnectableView(string Id, string Network, string Kind, string Name);

/// <summary>The score as its owner sees it: a missing score says why (<see cref="Reason"/>) and what to do (<see cref="WhatNext"/>).</summary>
public sealed record ScoreSummary(
    string Status,
    string? Reason,
    string WhatNext,
    int? Score,
    ComponentsView? Components,
    DateOnly? Day,
    string? ModelVersion,
    DateOnly? PreviousDay,
    int? PreviousScore,
    DeltasView? Deltas,
    int? Change,
    IReadOnlyList<MoveView> Moves,
    DateTimeOffset NextRecalculationUtc);

/// <summary>What moved the score, as a sentence; the points as a number for the page to mark up or down.</summary>
public sealed record MoveView(string Sentence, double Points);

/// <summary>Nights with a result from <see cref="From"/> to <see cref="To"/>, oldest first; an unscored night has a null score.</summary>
public sealed record HistorySummary(DateOnly From, DateOnly To, IReadOnlyList<HistoryPoint> Days);

public sealed record HistoryPoint(DateOnly Day, int? Score);

/// <summary>A milestone (25, 50, 75, 90) the score crossed on a night of the history, newest first, with a sentence.</summary>
public sealed record MilestoneView(DateOnly Day, int Milestone, string Direction, int PreviousScore, int Score, string Sentence);

public sealed record TopicView(string Id, string Name, string Path, int Score, bool Hidden, TopicEvidenceView Evidence);

public sealed record TopicEvidenceView(
    int Posts,
    double Engagement,
    IReadOnlyList<TermCount> Terms,
    IReadOnlyList<string> Context,
    IReadOnlyList<EvidencePostView> TopPosts,
    PlusKEvidence PlusK);

public sealed record EvidencePostView(string Network, string NetworkName, DateOnly Day, string Text, double Reactions, double Reshares, double Replies);

/// <summary>
/// +K: what is left to give today, the gifts of the last 7 days, and what the person received in the last 90 days as the
/// nightly run last counted it (<see cref="ReceivedAsOf"/>: a gift counts from the night after it was given).
/// </summary>
public sealed record PlusKSummary(
    int RemainingToday,
    int DailyLimit,
    DateTimeOffset ResetsUtc,
    IReadOnlyList<PlusKGiven> Given,
    IReadOnlyList<PlusKReceived> Received,
    int ReceivedTotal,
    DateOnly ReceivedAsOf,
    IReadOnlyList<TopicChoice> Topics);

public sealed record PlusKGiven(string Receiver, string Topic, string TopicName, DateTimeOffset GivenUtc);

public sealed record PlusKReceived(string Topic, string TopicName, int Count);

/// <summary>A topic +K can be given in: its id and its path ("Sports > Baseball > Minnesota Twins").</summary>
public sealed record TopicChoice(string Id, string Path);
