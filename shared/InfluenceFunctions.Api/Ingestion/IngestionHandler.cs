using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Ingestion;

namespace InfluenceFunctions.Api.Ingestion;

/// <summary>PUT of an ingestion batch. The batch id in the route makes the request idempotent.</summary>
public sealed class IngestionHandler(IngestionService ingestion, TimeProvider clock)
{
    public const long MaxBodyBytes = 8 * 1024 * 1024;

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

        if (request.ContentLength > MaxBodyBytes)
        {
            return Problems.TooLarge($"A batch body is at most {MaxBodyBytes} bytes.");
        }

        byte[] body;
        using (var buffer = new MemoryStream())
        {
            var chunk = new byte[81920];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    return Problems.TooLarge($"A batch body is at most {MaxBodyBytes} bytes.");
                }

                buffer.Write(chunk, 0, read);
            }

            body = buffer.ToArray();
        }

        IngestionBatch? batch;
        try
        {
            batch = JsonSerializer.Deserialize<IngestionBatch>(body, Json);
        }
        catch (JsonException e)
        {
            return Problems.Invalid(string.IsNullOrEmpty(e.Path) ? "body" : e.Path.TrimStart('$', '.'), "Malformed JSON: " + FirstSentence(e.Message));
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var errors = IngestionValidator.Validate(batch, today);
        if (errors.Count > 0)
        {
            return Problems.Invalid("The ingestion batch was rejected; nothing was written.", errors);
        }

        var receipt = await ingestion.ApplyAsync(batchId, batch!, Convert.ToHexString(SHA256.HashData(body)), cancellationToken);
        return receipt.Outcome switch
        {
            IngestionOutcome.ConflictingBatchId => Problems.Conflict($"Batch '{batchId}' was already applied with a different body."),
            _ => TypedResults.Ok(new
            {
                receipt.BatchId,
                status = receipt.Outcome == IngestionOutcome.Applied ? "applied" : "already-applied",
                receipt.Signals,
                receipt.Engagements,
                receipt.IgnoredSignals,
            }),
        };
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
