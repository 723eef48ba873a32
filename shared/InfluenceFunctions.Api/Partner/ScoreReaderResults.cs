using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Storage.Partner;
using Microsoft.AspNetCore.Http;

namespace InfluenceFunctions.Api.Partner;

/// <summary>The one "read the score row or answer 404" every score route starts with.</summary>
public static class ScoreReaderResults
{
    /// <summary>The user's lookup, or the 404 every score route answers for an id with neither a score nor signals.</summary>
    public static async Task<(ScoreLookup Lookup, IResult? NotFound)> FindAsync(this ScoreReader reader, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lookup = await reader.GetAsync(userId, cancellationToken);
        return (lookup, lookup.Exists ? null : Problems.NotFound($"No user '{userId}'."));
    }
}
