using System.Globalization;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InfluenceFunctions.Api.Partner;

/// <summary>
/// Score lookups for partners: one user (one point read, or none when cached: deltas come from the row's packed
/// history) and a batch of up to 100 (grouped by shard, see <see cref="ScoreReader"/>). Both behind the gate.
/// </summary>
public sealed class ScoreLookupHandler(ScoreReader reader, RunSchedule schedule, TimeProvider clock)
{
    public const int MaxBatch = 100;
    public const long MaxBatchBodyBytes = 256 * 1024;

    /// <summary>The batch lookup's body.</summary>
    public static readonly JsonBody<BatchLookupRequest> Body = new("A lookup body", MaxBatchBodyBytes, "{\"userIds\": [\"...\"]} with string ids");

    public Task<Results<CachedJson<ScoreView>, ValidationProblem, NotFoundProblem>> GetAsync(PartnerCaller caller, string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return reader.ServeAsync(userId, PartnerInput.UnknownQuery(request) ?? PartnerInput.UserId(userId), lookup =>
        {
            var now = clock.GetUtcNow();
            return Task.FromResult(CachedResource.JsonBody(ScoreViews.Of(lookup, schedule.NextRunAfter(now)), lookup.FreshUntilUtc - now));
        }, cancellationToken);
    }

    /// <summary>POST {"userIds": [...]}: up to 100 ids, each answered found or not, in the order given (repeats once).</summary>
    public Task<Results<Ok<BatchLookupResponse>, ValidationProblem, BodyProblem>> LookupAsync(PartnerCaller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return Body.ReadAsync(request, input => LookupAsync(request, input, cancellationToken), refused => refused, cancellationToken);
    }

    private async Task<Results<Ok<BatchLookupResponse>, ValidationProblem, BodyProblem>> LookupAsync(HttpRequest request, BatchLookupRequest input, CancellationToken cancellationToken)
    {
        if (PartnerInput.UnknownQuery(request) is { } queryProblem)
        {
            return queryProblem;
        }

        if (input.UserIds is not { } ids)
        {
            return Problems.Invalid("userIds", "The body must be {\"userIds\": [\"...\"]}.");
        }

        if (ids.Count is 0 or > MaxBatch)
        {
            return Problems.Invalid("userIds", $"Give between 1 and {MaxBatch} user ids; {ids.Count} were given.");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            if (IngestionValidator.ValidateUserId(ids[i]) is { } error)
            {
                errors[$"userIds[{i}]"] = [error];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid("Some user ids are not valid.", errors);
        }

        var distinct = ids.Select(id => id!).Distinct(StringComparer.Ordinal).ToList();
        var found = await reader.GetManyAsync(distinct, cancellationToken);
        var nextRun = schedule.NextRunAfter(clock.GetUtcNow());
        var results = distinct.Select(id => found[id] is { Exists: true } lookup
            ? new BatchLookupResult(id, true, ScoreViews.Of(lookup, nextRun))
            : new BatchLookupResult(id, false, null)).ToList();
        return TypedResults.Ok(new BatchLookupResponse(results.Count(r => r.Found), results.Count(r => !r.Found), nextRun, results));
    }
}

/// <summary>Builds the score view from what storage holds.</summary>
public static class ScoreViews
{
    public const string NotScoredYet = "Not scored yet: the first nightly recalculation after the user's data arrived has not run.";

    public static ScoreView Of(ScoreLookup lookup, DateTimeOffset nextRun)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        if (lookup.Row is not { } row)
        {
            return new ScoreView(lookup.UserId, ScoreRowStatus.Unscored, NotScoredYet, null, null, null, null, null, [], nextRun);
        }

        var day = DateOnly.Parse(row.Day, CultureInfo.InvariantCulture);
        return new ScoreView(
            lookup.UserId,
            row.Current.Status,
            row.Reason,
            row.Score,
            Components(row),
            row.ModelVersion,
            day,
            new DeltasView(Delta(row, day, 1), Delta(row, day, 7), Delta(row, day, 30)),
            ScoreRows.Moves(row),
            nextRun);
    }

    public static ComponentsView? Components(ScoreEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Current.Status == ScoreRowStatus.Scored ? ComponentsView.Of(row.Current) : null;
    }

    private static int? Delta(ScoreEntity row, DateOnly day, int daysBack)
    {
        var then = ScoreHistory.Get(row.History, day.AddDays(-daysBack));
        return row.Score is { } now && then is > 0 and <= 100 ? now - then : null;
    }
}

/// <summary>One user's score: status, score and components, deltas, the moves since the night before, and the next run.</summary>
public sealed record ScoreView(
    string UserId,
    ScoreRowStatus Status,
    string? Reason,
    int? Score,
    ComponentsView? Components,
    string? ModelVersion,
    DateOnly? Day,
    DeltasView? Deltas,
    IReadOnlyList<ScoreMove> Moves,
    DateTimeOffset NextRecalculationUtc);

/// <summary>
/// The three components, 0-100 with one decimal; a component is null when nothing it is made of was measured (model v2:
/// a network without reshares, replies or saves has no Amplification; nobody named engaging has no Network). Null is
/// "not measured", never 0.
/// </summary>
public sealed record ComponentsView(double? Reach, double? Amplification, double? Network)
{
    public static ComponentsView Of(ScoreSnapshotColumns result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(Round(result.Reach), Round(result.Amplification), Round(result.Network));
    }

    private static double? Round(double? value) => ScoreSnapshotColumns.Measured(value) is { } v ? Math.Round(v, 1) : null;
}

/// <summary>Score changes over a day, a week and a month; null where there is no score to compare with.</summary>
public sealed record DeltasView(int? Day, int? Week, int? Month);

public sealed record BatchLookupRequest(IReadOnlyList<string?>? UserIds);

public sealed record BatchLookupResult(string UserId, bool Found, ScoreView? Score);

public sealed record BatchLookupResponse(int Found, int NotFound, DateTimeOffset NextRecalculationUtc, IReadOnlyList<BatchLookupResult> Results);
