using System.Globalization;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using Microsoft.AspNetCore.Http;

namespace InfluenceFunctions.Api.Partner;

/// <summary>
/// History, explanation and the media-kit card: all from the one score row (history is its packed column), so
/// each costs the same single point read as a lookup, or none when cached.
/// </summary>
public sealed class ScoreDetailsHandler(ScoreReader reader, RunSchedule schedule, StoredUserTopics topics, TimeProvider clock)
{
    public const int MaxHistoryDays = 365;
    public const int DefaultHistoryDays = 90;
    public const int CardDays = 90;
    public const int CardTopics = 3;

    /// <summary>GET ?from=yyyy-MM-dd&amp;to=yyyy-MM-dd (both optional: the 90 days up to the latest night).</summary>
    public async Task<IResult> HistoryAsync(PartnerCaller caller, string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if ((PartnerInput.UnknownQuery(request, "from", "to") ?? PartnerInput.UserId(userId)) is { } problem)
        {
            return problem;
        }

        if (!PartnerInput.TryDay(request, "from", out var from, out var fromProblem))
        {
            return fromProblem!;
        }

        if (!PartnerInput.TryDay(request, "to", out var to, out var toProblem))
        {
            return toProblem!;
        }

        if (from is { } f && to is { } t)
        {
            if (f > t)
            {
                return Problems.Invalid("from", $"'from' ({f:yyyy-MM-dd}) is after 'to' ({t:yyyy-MM-dd}).");
            }

            if (t.DayNumber - f.DayNumber + 1 > MaxHistoryDays)
            {
                return Problems.Invalid("from", $"The range is {t.DayNumber - f.DayNumber + 1} days; at most {MaxHistoryDays} can be asked for at once.");
            }
        }

        var (lookup, notFound) = await reader.FindAsync(userId, cancellationToken);
        if (notFound is not null)
        {
            return notFound;
        }

        var latest = lookup.Row is { } row ? DateOnly.Parse(row.Day, CultureInfo.InvariantCulture) : DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1);
        var end = to ?? (from is { } start ? Min(start.AddDays(MaxHistoryDays - 1), latest) : latest);
        var begin = from ?? end.AddDays(-(DefaultHistoryDays - 1));
        var days = ScoreHistory.Range(lookup.Row?.History, begin, end)
            .Select(d => d.Value == ScoreHistory.Unscored ? new HistoryDay(d.Day, null, "unscored") : new HistoryDay(d.Day, d.Value, "scored"))
            .ToList();
        var now = clock.GetUtcNow();
        return CachedResource.JsonBody(new HistoryView(userId, begin, end, days, schedule.NextRunAfter(now)), lookup.FreshUntilUtc - now);
    }

    /// <summary>GET: the components, the previous night's, and what moved the score since then, in points.</summary>
    public async Task<IResult> ExplanationAsync(PartnerCaller caller, string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if ((PartnerInput.UnknownQuery(request) ?? PartnerInput.UserId(userId)) is { } problem)
        {
            return problem;
        }

        var (lookup, notFound) = await reader.FindAsync(userId, cancellationToken);
        if (notFound is not null)
        {
            return notFound;
        }

        var now = clock.GetUtcNow();
        var nextRun = schedule.NextRunAfter(now);
        if (lookup.Row is not { } row)
        {
            return CachedResource.JsonBody(
                new ExplanationView(userId, "unscored", ScoreViews.NotScoredYet, null, null, null, null, null, null, [], [], nextRun),
                lookup.FreshUntilUtc - now);
        }

        var current = ScoreRows.Drivers(row.Drivers);
        var previous = row.PrevDay.Length == 0 ? new Dictionary<string, double>() : ScoreRows.Drivers(row.PrevDrivers);
        var drivers = current.Keys.Union(previous.Keys, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(name => new DriverView(
                name,
                current.TryGetValue(name, out var now1) ? Math.Round(now1, 4) : null,
                previous.TryGetValue(name, out var then) ? Math.Round(then, 4) : null))
            .ToList();
        PreviousView? before = row.PrevDay.Length == 0 ? null : new PreviousView(
            DateOnly.Parse(row.PrevDay, CultureInfo.InvariantCulture),
            row.PrevStatus,
            row.PrevScore,
            row.Previous.Status == ScoreRowStatus.Scored ? new ComponentsView(Math.Round(row.PrevReach, 1), Math.Round(row.PrevAmplification, 1), Math.Round(row.PrevNetwork, 1)) : null);
        int? change = row.Score is { } s && before?.Score is { } p ? s - p : null;
        return CachedResource.JsonBody(
            new ExplanationView(
                userId,
                row.Status,
                row.Reason,
                row.Score,
                ScoreViews.Components(row),
                row.ModelVersion,
                DateOnly.Parse(row.Day, CultureInfo.InvariantCulture),
                before,
                change,
                ScoreRows.Moves(row),
                drivers,
                nextRun),
            lookup.FreshUntilUtc - now);
    }

    /// <summary>GET: the media-kit card, an SVG (score, components, 90-day sparkline, top topics).</summary>
    public async Task<IResult> CardAsync(PartnerCaller caller, string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if ((PartnerInput.UnknownQuery(request) ?? PartnerInput.UserId(userId)) is { } problem)
        {
            return problem;
        }

        var (lookup, notFound) = await reader.FindAsync(userId, cancellationToken);
        if (notFound is not null)
        {
            return notFound;
        }

        var top = await topics.TopTopicsAsync(userId, CardTopics, cancellationToken);
        var now = clock.GetUtcNow();
        return CachedResource.Text(ScoreCard.Render(ScoreCard.From(lookup, top)), "image/svg+xml; charset=utf-8", lookup.FreshUntilUtc - now);
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}

public sealed record HistoryDay(DateOnly Day, int? Score, string Status);

public sealed record HistoryView(string UserId, DateOnly From, DateOnly To, IReadOnlyList<HistoryDay> Days, DateTimeOffset NextRecalculationUtc);

public sealed record PreviousView(DateOnly Day, string Status, int? Score, ComponentsView? Components);

/// <summary>A named quantity the model scored on, today and the night before (null where not reported).</summary>
public sealed record DriverView(string Name, double? Value, double? Previous);

public sealed record ExplanationView(
    string UserId,
    string Status,
    string? Reason,
    int? Score,
    ComponentsView? Components,
    string? ModelVersion,
    DateOnly? Day,
    PreviousView? Previous,
    int? Change,
    IReadOnlyList<ScoreMove> Moves,
    IReadOnlyList<DriverView> Drivers,
    DateTimeOffset NextRecalculationUtc);
