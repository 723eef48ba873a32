using System.Security.Cryptography;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage.Ingestion;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InfluenceFunctions.Api.Ingestion;

/// <summary>
/// The idempotent batch PUTs: daily signals and engagement edges, and posts (text, hashtags, links, engagement
/// received). The batch id in the route makes each idempotent: it is applied with the hash of the body as read, so the
/// same id with another body is a 409 and the same body again writes nothing.
/// </summary>
public sealed class IngestionHandler(IngestionService signals, PostIngestionService posts, TimeProvider clock)
{
    public const long MaxBodyBytes = 8 * 1024 * 1024;

    public const long MaxPostBodyBytes = 16 * 1024 * 1024;

    /// <summary>A signal batch's body.</summary>
    public static readonly JsonBody<IngestionBatch> Body = new("A batch body", MaxBodyBytes, "{\"signals\": [...], \"engagements\": [...]} (docs/ingestion.md)");

    /// <summary>A post batch's body.</summary>
    public static readonly JsonBody<PostBatch> PostBody = new("A post batch body", MaxPostBodyBytes, "{\"posts\": [...]} (docs/topics.md)");

    public Task<Results<Ok<IngestionReceiptView>, ValidationProblem, BodyProblem, ConflictProblem>> PutBatchAsync(string batchId, HttpRequest request, CancellationToken cancellationToken) =>
        Body.ReadAsync(
            request,
            (batch, bytes) => ApplyAsync(batchId, "ingestion batch", batch, bytes, IngestionValidator.Validate, signals.ApplyAsync, receipt => receipt.Outcome, IngestionReceiptView.Of, cancellationToken),
            refused => refused,
            cancellationToken);

    public Task<Results<Ok<PostReceiptView>, ValidationProblem, BodyProblem, ConflictProblem>> PutPostsAsync(string batchId, HttpRequest request, CancellationToken cancellationToken) =>
        PostBody.ReadAsync(
            request,
            (batch, bytes) => ApplyAsync(batchId, "post batch", batch, bytes, PostValidator.Validate, posts.ApplyAsync, receipt => receipt.Outcome, PostReceiptView.Of, cancellationToken),
            refused => refused,
            cancellationToken);

    private async Task<Results<Ok<TView>, ValidationProblem, BodyProblem, ConflictProblem>> ApplyAsync<TBatch, TReceipt, TView>(
        string batchId,
        string kind,
        TBatch batch,
        byte[] body,
        Func<TBatch, DateOnly, Dictionary<string, string[]>> validate,
        Func<string, TBatch, string, CancellationToken, Task<TReceipt>> apply,
        Func<TReceipt, IngestionOutcome> outcome,
        Func<TReceipt, TView> view,
        CancellationToken cancellationToken)
    {
        if (IngestionValidator.ValidateBatchId(batchId) is { } batchIdError)
        {
            return Problems.Invalid("batchId", batchIdError);
        }

        var errors = validate(batch, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        if (errors.Count > 0)
        {
            return Problems.Invalid($"The {kind} was rejected; nothing was written.", errors);
        }

        var receipt = await apply(batchId, batch, Convert.ToHexString(SHA256.HashData(body)), cancellationToken);
        return outcome(receipt) == IngestionOutcome.ConflictingBatchId
            ? Problems.Conflict($"Batch '{batchId}' was already applied with a different body.")
            : TypedResults.Ok(view(receipt));
    }
}

/// <summary>What became of a batch the service took.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(KebabCaseEnumConverter<BatchStatus>))]
public enum BatchStatus
{
    Applied,

    /// <summary>The same batch id with the same body was applied before: nothing was written again.</summary>
    AlreadyApplied,
}

/// <summary>The receipt of a signal batch: how many signals and engagement edges it set, and the signals it ignored.</summary>
public sealed record IngestionReceiptView(string BatchId, BatchStatus Status, int Signals, int Engagements, int IgnoredSignals)
{
    public static IngestionReceiptView Of(IngestionReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return new(receipt.BatchId, StatusOf(receipt.Outcome), receipt.Signals, receipt.Engagements, receipt.IgnoredSignals);
    }

    internal static BatchStatus StatusOf(IngestionOutcome outcome) => outcome == IngestionOutcome.Applied ? BatchStatus.Applied : BatchStatus.AlreadyApplied;
}

/// <summary>
/// The receipt of a post batch: how many of its posts were stored and how many were ignored (together, every post of
/// the batch). A repeat of the batch answers the same counts.
/// </summary>
/// <param name="BatchId">The batch id of the route.</param>
/// <param name="Status">Applied now, or already applied before (nothing written again).</param>
/// <param name="Posts">Posts stored: their person opted in and connected the post's network.</param>
/// <param name="IgnoredPosts">Posts not stored: their person has not opted in, or has not connected the post's network.</param>
public sealed record PostReceiptView(string BatchId, BatchStatus Status, int Posts, int IgnoredPosts)
{
    public static PostReceiptView Of(PostIngestionReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return new(receipt.BatchId, IngestionReceiptView.StatusOf(receipt.Outcome), receipt.Posts, receipt.IgnoredPosts);
    }
}
