using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Storage.Partner;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InfluenceFunctions.Api.Partner;

/// <summary>The one "check the input, read the score row or answer 404" every score route starts with.</summary>
public static class ScoreReaderResults
{
    /// <summary>
    /// The route's input problem if there is one; else the user's row (one point read, or none when cached) rendered
    /// by <paramref name="render"/>, or the 404 every score route answers for an id with neither a score nor signals.
    /// </summary>
    public static async Task<Results<TResult, ValidationProblem, NotFoundProblem>> ServeAsync<TResult>(
        this ScoreReader reader, string userId, ValidationProblem? invalid, Func<ScoreLookup, Task<TResult>> render, CancellationToken cancellationToken)
        where TResult : IResult
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(render);
        if (invalid is not null)
        {
            return invalid;
        }

        var lookup = await reader.GetAsync(userId, cancellationToken);
        return lookup.Exists ? await render(lookup) : Problems.NotFound($"No user '{userId}'.");
    }
}
