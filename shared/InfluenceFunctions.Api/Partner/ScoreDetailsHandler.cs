using System.Globalization;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage.Topics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

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

    /// <summary>The history's query parameters, both optional.</summary>
    public static readonly IReadOnlyList<ApiParameterMetadata> HistoryQuery =
    [
        PartnerInput.Day("from", "First day, yyyy-MM-dd."),
        PartnerInput.Day("to", $"Last day, yyyy-MM-dd (at most {MaxHistoryDays - 1} days after `from`)."),
    ];

    /// <summary>GET ?from=yyyy-MM-dd&amp;to=yyyy-MM-dd (both optional: the 90 days up to the latest night).</summary>
    public Task<Results<CachedJson<HistoryView>, ValidationProblem, NotFoundProblem>> HistoryAsync(PartnerCaller caller, string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var (from, to, rangeProblem) = Range(request);
        return reader.ServeAsync(userId, PartnerInput.UnknownQuery(request, HistoryQuery) ?? PartnerInput.UserId(userId) ?? rangeProblem, lookup =>
        {
            var latest = lookup.Row is { } row ? DateOnly.Parse(row.Day, CultureInfo.InvariantCulture) : DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1);
            var end = to ?? (from is { } start ? Min(start.AddDays(MaxHistoryDays - 1), latest) : latest);
            var begin = from ?? end.AddDays(-(DefaultHistoryDays - 1));
            var days = ScoreHistory.Range(lookup.Row?.History, begin, end)
                .Select(d => d.Value == ScoreHistory.Unscored ? new HistoryDay(d.Day, null, ScoreRowStatus.Unscored) : new HistoryDay(d.Day, d.Value, ScoreRowStatus.Scored))
                .ToList();
            var now = clock.GetUtcNow();
            return Task.FromResult(CachedResource.JsonBody(new HistoryView(userId, begin, end, days, schedule.NextRunAfter(now)), lookup.FreshUntilUtc - now));
        }, cancellationToken);
    }

    /// <summary>GET: the components, the previous night's, and what moved the score since then, in points.</summary>
    public Task<Results<CachedJson<ExplanationView>, ValidationProblem, NotFoundProblem>> ExplanationAsync(PartnerCaller caller, string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return reader.ServeAsync(userId, PartnerInput.UnknownQuery(request) ?? PartnerInput.UserId(userId), lookup =>
        {
            var now = clock.GetUtcNow();
            return Task.FromResult(CachedResource.JsonBody(Explain(lookup, schedule.NextRunAfter(now)), lookup.FreshUntilUtc - now));
        }, cancellationToken);
    }

    /// <summary>GET: the media-kit card, an SVG (score, components, 90-day sparkline, top topics).</summary>
    public Task<Results<CachedSvg, ValidationProblem, NotFoundProblem>> CardAsync(PartnerCaller caller, string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return reader.ServeAsync(userId, PartnerInput.UnknownQuery(request) ?? PartnerInput.UserId(userId), async lookup =>
        {
            var top = await topics.TopTopicsAsync(userId, CardTopics, cancellationToken);
            return new CachedSvg(ScoreCard.Render(ScoreCard.From(lookup, top)), lookup.FreshUntilUtc - clock.GetUtcNow());
        }, cancellationToken);
    }

    private static ExplanationView Explain(ScoreLookup lookup, DateTimeOffset nextRun)
    {
        if (lookup.Row is not { } row)
        {
            return new ExplanationView(lookup.UserId, ScoreRowStatus.Unscored, ScoreViews.NotScoredYet, null, null, null, null, null, null, [], [], nextRun);
        }

        var current = ScoreRows.Drivers(row.Drivers);
        var previous = row.PrevDay.Length == 0 ? new Dictionary<string, double>() : ScoreRows.Drivers(row.PrevDrivers);
        var drivers = current.Keys.Union(previous.Keys, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(name => new DriverView(
                name,
                current.TryGetValue(name, out var today) ? Math.Round(today, 4) : null,
                previous.TryGetValue(name, out var then) ? Math.Round(then, 4) : null))
            .ToList();
        PreviousView? before = row.PrevDay.Length == 0 ? null : new PreviousView(
            DateOnly.Parse(row.PrevDay, CultureInfo.InvariantCulture),
            row.Previous.Status,
            row.PrevScore,
            row.Previous.Status == ScoreRowStatus.Scored ? ComponentsView.Of(row.Previous) : null);
        int? change = row.Score is { } s && before?.Score is { } p ? s - p : null;
        return new ExplanationView(
            lookup.UserId,
            row.Current.Status,
            row.Reason,
            row.Score,
            ScoreViews.Components(row),
            row.ModelVersion,
            DateOnly.Parse(row.Day, CultureInfo.InvariantCulture),
            before,
            change,
            ScoreRows.Moves(row),
            drivers,
            nextRun);
    }

    /// <summary>The history's from and to (each optional), or the 400 for a bad one or a bad range.</summary>
    private static (DateOnly? From, DateOnly? To, ValidationProblem? Problem) Range(HttpRequest request)
    {
        if (!PartnerInput.TryDay(request, "from", out var from, out var fromProblem))
        {
            return (null, null, fromProblem);
        }

        if (!PartnerInput.TryDay(request, "to", out var to, out var toProblem))
        {
            return (null, null, toProblem);
        }

        if (from is { } f && to is { } t)
        {
            if (f > t)
            {
                return (null, null, Problems.Invalid("from", $"'from' ({f:yyyy-MM-dd}) is after 'to' ({t:yyyy-MM-dd})."));
            }

            if (t.DayNumber - f.DayNumber + 1 > MaxHistoryDays)
            {
                return (null, null, Problems.Invalid("from", $"The range is {t.DayNumber - f.DayNumber + 1} days; at most {MaxHistoryDays} can be asked for at once."));
            }
        }

        return (from, to, null);
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}

public sealed record HistoryDay(DateOnly Day, int? Score, ScoreRowStatus Status);

public sealed record HistoryView(string UserId, DateOnly From, DateOnly To, IReadOnlyList<HistoryDay> Days, DateTimeOffset NextRecalculationUtc);

public sealed record PreviousView(DateOnly Day, ScoreRowStatus Status, int? Score, ComponentsView? Components);

/// <summary>A named quantity the model scored on, today and the night before (null where not reported).</summary>
public sealed record DriverView(string Name, double? Value, double? Previous);

public sealed record ExplanationView(
    string UserId,
    ScoreRowStatus Status,
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
