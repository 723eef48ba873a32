using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Ingestion;
using InfluenceFunctions.Storage.Topics;
using InfluenceFunctions.Workflows.Topics;

namespace InfluenceFunctions.Api.Topics;

/// <summary>PUT of a post batch (text, hashtags, links, engagement received). The batch id makes it idempotent.</summary>
public sealed class PostIngestionHandler(PostIngestionService ingestion, TimeProvider clock)
{
    public const long MaxBodyBytes = 16 * 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };

    public async Task<IResult> PutBatchAsync(string batchId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IngestionValidator.ValidateBatchId(batchId) is { } batchIdError)
        {
            return Problems.Invalid("batchId", batchIdError);
        }

        var body = await RequestBodies.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.TooLarge($"A post batch body is at most {MaxBodyBytes} bytes.");
        }

        PostBatch? batch;
        try
        {
            batch = JsonSerializer.Deserialize<PostBatch>(body, Json);
        }
        catch (JsonException e)
        {
            return Problems.Invalid(RequestBodies.FieldOf(e), "Malformed JSON: " + RequestBodies.FirstSentence(e.Message));
        }

        var errors = PostValidator.Validate(batch, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        if (errors.Count > 0)
        {
            return Problems.Invalid("The post batch was rejected; nothing was written.", errors);
        }

        var receipt = await ingestion.ApplyAsync(batchId, batch!, Convert.ToHexString(SHA256.HashData(body)), cancellationToken);
        return receipt.Outcome switch
        {
            IngestionOutcome.ConflictingBatchId => Problems.Conflict($"Batch '{batchId}' was already applied with a different body."),
            _ => TypedResults.Ok(new
            {
                receipt.BatchId,
                status = receipt.Outcome == IngestionOutcome.Applied ? "applied" : "already-applied",
                posts = batch!.Posts!.Count,
            }),
        };
    }
}

/// <summary>Reading a request body with a size limit, and naming the field of a JSON error.</summary>
internal static class RequestBodies
{
    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public static string FieldOf(JsonException e) => string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');

    public static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
