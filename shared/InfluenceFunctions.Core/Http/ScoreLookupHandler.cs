using System.Globalization;
using Azure.Data.Tables;
using InfluenceFunctions.Ingestion;
using InfluenceFunctions.Nightly;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Http;

/// <summary>GET of one user's score: one point read of the score row (deltas come from its packed history).</summary>
public sealed class ScoreLookupHandler(InfluenceTables tables, IOptions<InfluenceOptions> options, NightlyRunScheduleInfo schedule)
{
    public async Task<IResult> GetAsync(string userId, CancellationToken cancellationToken)
    {
        if (IngestionValidator.ValidateUserId(userId) is { } error)
        {
            return Problems.Invalid("userId", error);
        }

        var shardKey = Shards.KeyOf(userId, options.Value.ShardCount);
        var response = await tables.Scores.GetEntityIfExistsAsync<ScoreEntity>(shardKey, userId, cancellationToken: cancellationToken);
        if (!response.HasValue)
        {
            var signals = await tables.Signals.GetEntityIfExistsAsync<TableEntity>(shardKey, userId, cancellationToken: cancellationToken);
            if (signals.HasValue && SignalRows.ConnectedNetworks(signals.Value!).Any())
            {
                return TypedResults.Ok(new ScoreView(userId, "unscored", "Not scored yet: the first nightly recalculation after the user's data arrived has not run.", null, null, null, null, null, [], schedule.NextRunUtc()));
            }

            return Problems.NotFound($"No user '{userId}'.");
        }

        var row = response.Value!;
        var day = DateOnly.Parse(row.Day, CultureInfo.InvariantCulture);
        return TypedResults.Ok(new ScoreView(
            userId,
            row.Status,
            row.Reason,
            row.Score,
            row.Status == "scored" ? new ComponentsView(Math.Round(row.Reach, 1), Math.Round(row.Amplification, 1), Math.Round(row.Network, 1)) : null,
            row.ModelVersion,
            day,
            new DeltasView(Delta(row, day, 1), Delta(row, day, 7), Delta(row, day, 30)),
            ScoreRows.Moves(row),
            schedule.NextRunUtc()));
    }

    private static int? Delta(ScoreEntity row, DateOnly day, int daysBack)
    {
        var then = ScoreHistory.Get(row.History, day.AddDays(-daysBack));
        return row.Score is { } now && then is > 0 and <= 100 ? now - then : null;
    }
}

public sealed record ScoreView(
    string UserId,
    string Status,
    string? Reason,
    int? Score,
    ComponentsView? Components,
    string? ModelVersion,
    DateOnly? Day,
    DeltasView? Deltas,
    IReadOnlyList<ScoreMove> Moves,
    DateTimeOffset NextRecalculationUtc);

public sealed record ComponentsView(double Reach, double Amplification, double Network);

/// <summary>Score changes over a day, a week and a month; null where there is no score to compare with.</summary>
public sealed record DeltasView(int? Day, int? Week, int? Month);
