using System.Globalization;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Domain.Ingestion;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InfluenceFunctions.Api.Partner;

/// <summary>Input checks every partner handler shares; each answers a 400 problem naming the field, or null.</summary>
public static class PartnerInput
{
    /// <summary>A query parameter that is a day.</summary>
    public static ApiParameterMetadata Day(string name, string description) => new(name, ApiParameterPlace.Query, description, "string", "date");

    /// <summary>A 400 for a query parameter that is not among <paramref name="known"/> (the route's declared ones), or given twice.</summary>
    public static ValidationProblem? UnknownQuery(HttpRequest request, params IReadOnlyList<ApiParameterMetadata> known)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(known);
        var names = known.Where(p => p.In == ApiParameterPlace.Query).Select(p => p.Name).ToArray();
        foreach (var name in request.Query.Keys)
        {
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                var allowed = names.Length == 0 ? "This endpoint takes no query parameters." : "Known: " + string.Join(", ", names) + ".";
                return Problems.Invalid(Printable(name), $"Unknown query parameter '{Printable(name)}'. {allowed}");
            }
        }

        foreach (var (name, values) in request.Query)
        {
            if (values.Count > 1)
            {
                return Problems.Invalid(name, $"The query parameter '{name}' is given {values.Count} times; give it once.");
            }
        }

        return null;
    }

    public static ValidationProblem? UserId(string? userId, string field = "userId") =>
        IngestionValidator.ValidateUserId(userId) is { } error ? Problems.Invalid(field, error) : null;

    public static bool TryDay(HttpRequest request, string name, out DateOnly? day, out ValidationProblem? problem)
    {
        ArgumentNullException.ThrowIfNull(request);
        day = null;
        problem = null;
        if (!request.Query.TryGetValue(name, out var text))
        {
            return true;
        }

        if (DateOnly.TryParseExact(text.ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            day = parsed;
            return true;
        }

        problem = Problems.Invalid(name, $"The '{name}' parameter must be a date as yyyy-MM-dd.");
        return false;
    }

    /// <summary>A name safe to echo in a problem: control characters shown as '?', at most 64 characters.</summary>
    public static string Printable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cleaned = new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return cleaned.Length > 64 ? cleaned[..64] + "..." : cleaned;
    }
}
