using System.Globalization;
using Microsoft.AspNetCore.Http;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Ingestion;
using InfluenceFunctions.Storage.Partner;

namespace InfluenceFunctions.Api.Partner;

/// <summary>Input checks every partner handler shares; each answers a 400 problem naming the field, or null.</summary>
public static class PartnerInput
{
    public static IResult? UnknownQuery(HttpRequest request, params string[] known)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var name in request.Query.Keys)
        {
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                var allowed = known.Length == 0 ? "This endpoint takes no query parameters." : "Known: " + string.Join(", ", known) + ".";
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

    public static IResult? UserId(string? userId, string field = "userId") =>
        IngestionValidator.ValidateUserId(userId) is { } error ? Problems.Invalid(field, error) : null;

    public static bool TryDay(HttpRequest request, string name, out DateOnly? day, out IResult? problem)
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
