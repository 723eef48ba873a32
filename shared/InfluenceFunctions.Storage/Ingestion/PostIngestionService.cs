using System.Globalization;
using Azure.Data.Tables;
using Azure;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Domain.People;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage.People;
using InfluenceFunctions.Storage.Topics;
using InfluenceFunctions.Storage;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Storage.Ingestion;

/// <summary>What a post batch came to.</summary>
/// <param name="Posts">Posts of the batch stored: their person opted in and connected the post's network.</param>
/// <param name="IgnoredPosts">Posts of the batch not stored: their person has not opted in, or has not connected the post's network.</param>
public sealed record PostIngestionReceipt(string BatchId, IngestionOutcome Outcome, int Posts, int IgnoredPosts);

/// <summary>
/// Applies a validated post batch: each user's posts are one "posts" row of table "topics" (see <see cref="TopicRows"/>),
/// a post replaces the stored post of the same (network, post id), and posts outside the 90-day window or beyond
/// <see cref="MaxPostsPerUser"/> are dropped. Only an opted-in person's posts on a network they connected are stored;
/// the rest are counted as ignored. Idempotent as signal ingestion is: the batch id record (table "ingestbatches",
/// RK "posts", with the receipt's counts) is written last, rows are written per shard in 100-entity transactions with
/// ETags, and a repeat answers the first receipt's counts.
/// </summary>
public sealed class PostIngestionService(InfluenceTables tables, IOptions<InfluenceOptions> options, TimeProvider clock, AccountStore accounts)
{
    /// <summary>Posts kept per user (the newest first); a heavier poster's older posts add little to their topics.</summary>
    public const int MaxPostsPerUser = 1_000;

    public const int MaxStoredTextLength = 2_000;

    public const string BatchRowKey = "posts";

    /// <summary>The batch record's count of posts not stored (its "Posts" column counts every post of the batch).</summary>
    public const string IgnoredPostsColumn = "IgnoredPosts";

    private const int MaxConcurrencyRetries = 8;

    public async Task<PostIngestionReceipt> ApplyAsync(string batchId, PostBatch batch, string bodyHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var posts = (batch.Posts ?? []).OfType<PostItem>().ToList();
        var existing = await tables.IngestBatches.GetEntityIfExistsAsync<TableEntity>(batchId, BatchRowKey, cancellationToken: cancellationToken);
        if (existing.HasValue)
        {
            var applied = existing.Value!;
            if (applied.GetString("BodyHash") != bodyHash)
            {
                return new PostIngestionReceipt(batchId, IngestionOutcome.ConflictingBatchId, 0, 0);
            }

            // The same receipt as the first time (a record written before ignored posts were counted has no column: 0).
            var ignoredBefore = applied.GetInt32(IgnoredPostsColumn) ?? 0;
            return new PostIngestionReceipt(batchId, IngestionOutcome.AlreadyApplied, (applied.GetInt32("Posts") ?? posts.Count) - ignoredBefore, ignoredBefore);
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var byUser = posts.GroupBy(p => p.UserId!, StringComparer.Ordinal).ToList();
        var settings = options.Value;
        var ignoredPosts = 0;
        await Parallel.ForEachAsync(byUser.GroupBy(u => TopicRows.Shard(u.Key, settings), StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (shard, ct) =>
        {
            foreach (var chunk in shard.Chunk(TableBatches.MaxBatch))
            {
                Interlocked.Add(ref ignoredPosts, await ApplyChunkAsync(shard.Key, chunk, today, ct));
            }
        });

        var record = new TableEntity(batchId, BatchRowKey)
        {
            ["BodyHash"] = bodyHash,
            ["Posts"] = posts.Count,
            [IgnoredPostsColumn] = ignoredPosts,
            ["Users"] = byUser.Count,
            ["AppliedUtc"] = clock.GetUtcNow(),
        };
        try
        {
            await tables.IngestBatches.AddEntityAsync(record, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // The same batch applied concurrently; the data is the same either way.
        }

        return new PostIngestionReceipt(batchId, IngestionOutcome.Applied, posts.Count - ignoredPosts, ignoredPosts);
    }

    /// <summary>Keeps the window and the cap, newest first, and shrinks until the packed value fits one row.</summary>
    public static void Write(TableEntity row, IEnumerable<StoredPost> posts, DateOnly today)
    {
        var kept = posts
            .Where(p => p.Day > today.AddDays(-TopicScorer.WindowDays))
            .OrderByDescending(p => p.Day).ThenBy(p => p.Network, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal)
            .Take(MaxPostsPerUser)
            .ToList();
        var packed = PackedJson.Compress(kept);
        while (!PackedJson.Fits(packed))
        {
            kept.RemoveRange((int)(kept.Count * 0.9), kept.Count - (int)(kept.Count * 0.9));
            packed = PackedJson.Compress(kept);
        }

        PackedJson.WriteCompressed(row, TopicRows.PostsColumn, packed);
        row["Count"] = kept.Count;
    }

    /// <summary>Applies a chunk of one shard's users; returns how many of their posts were ignored (not opted in, network not connected).</summary>
    private async Task<int> ApplyChunkAsync(string shardKey, IGrouping<string, PostItem>[] chunk, DateOnly today, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var actions = new List<TableTransactionAction>(chunk.Length);
            var ignored = 0;
            foreach (var user in chunk)
            {
                // As with signals: only an opted-in person's posts on a network they connected are kept (one point read).
                var account = await accounts.GetAsync(user.Key, cancellationToken);
                var connected = user.Where(p => account.OptedIn && account.IsConnected(p.Network!)).ToList();
                ignored += user.Count() - connected.Count;
                if (connected.Count == 0)
                {
                    continue;
                }

                var rowKey = TopicRows.RowKey(TopicRows.Posts, user.Key);
                var response = await tables.Topics.GetEntityIfExistsAsync<TableEntity>(shardKey, rowKey, cancellationToken: cancellationToken);
                var row = response.HasValue ? response.Value! : new TableEntity(shardKey, rowKey);
                var stored = TopicRows.ReadPosts(row).ToDictionary(p => (p.Network, p.Id));
                foreach (var item in connected)
                {
                    var post = ToStored(item);
                    stored[(post.Network, post.Id)] = post;
                }

                Write(row, stored.Values, today);
                actions.Add(response.HasValue
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, row.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, row));
            }

            try
            {
                if (actions.Count > 0)
                {
                    await tables.Topics.SubmitTransactionAsync(actions, cancellationToken);
                }

                return ignored;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < MaxConcurrencyRetries)
            {
                // Another batch changed one of these rows between our read and write: read again and redo.
            }
        }
    }

    private static StoredPost ToStored(PostItem item)
    {
        var text = item.Text ?? string.Empty;
        return new StoredPost(
            item.PostId!,
            item.Network!,
            DateOnly.ParseExact(item.Day!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            text.Length > MaxStoredTextLength ? text[..MaxStoredTextLength] : text,
            (item.Hashtags ?? []).OfType<string>().ToList(),
            (item.Links ?? []).OfType<string>().ToList(),
            item.Reactions ?? 0,
            item.Reshares ?? 0,
            item.Replies ?? 0);
    }
}
