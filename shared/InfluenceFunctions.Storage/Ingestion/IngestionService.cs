using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Domain.People;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.People;

namespace InfluenceFunctions.Storage.Ingestion;

public enum IngestionOutcome
{
    Applied,
    AlreadyApplied,
    ConflictingBatchId,
}

/// <param name="IgnoredSignals">Signal items not stored: their person has not opted in, or has not connected that network.</param>
public sealed record IngestionReceipt(string BatchId, IngestionOutcome Outcome, int Signals, int Engagements, int Users, int IgnoredSignals = 0);

/// <summary>
/// Applies a validated batch to the signals table. Values are set, never added (a day's signals and a
/// (from, to, day) count replace what was there), so applying a batch twice changes nothing; the batch id
/// record, written last, makes a repeat a cheap no-op. Rows are written per shard in 100-entity transactions
/// with ETags, re-read and retried when a concurrent batch got there first.
/// </summary>
public sealed class IngestionService(InfluenceTables tables, IOptions<InfluenceOptions> options)
{
    private const int MaxConcurrencyRetries = 8;

    public async Task<IngestionReceipt> ApplyAsync(string batchId, IngestionBatch batch, string bodyHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var signals = (batch.Signals ?? []).OfType<SignalItem>().ToList();
        var engagements = (batch.Engagements ?? []).OfType<EngagementItem>().ToList();
        var existing = await tables.IngestBatches.GetEntityIfExistsAsync<TableEntity>(batchId, "batch", cancellationToken: cancellationToken);
        if (existing.HasValue)
        {
            var sameBody = existing.Value!.GetString("BodyHash") == bodyHash;
            return new IngestionReceipt(batchId, sameBody ? IngestionOutcome.AlreadyApplied : IngestionOutcome.ConflictingBatchId, signals.Count, engagements.Count, 0);
        }

        var updates = new Dictionary<string, UserUpdate>(StringComparer.Ordinal);
        UserUpdate For(string userId) => updates.TryGetValue(userId, out var u) ? u : updates[userId] = new UserUpdate();
        foreach (var item in signals)
        {
            For(item.UserId!).Signals.Add((item.Network!, IngestionValidator.ParseDay(item.Day!).DayNumber, item.ToSignals(), item.HasExtendedSignals ? item.ToExtendedSignals() : null));
        }

        foreach (var item in engagements)
        {
            var day = IngestionValidator.ParseDay(item.Day!).DayNumber;
            For(item.To!).Inbound.Add((UserKeys.Of(item.From!), day, (float)item.Count!.Value));
            For(item.From!).Outbound.Add((UserKeys.Of(item.To!), day, (float)item.Count!.Value));
        }

        var shardCount = options.Value.ShardCount;
        var byShard = updates.GroupBy(u => Shards.KeyOf(u.Key, shardCount), StringComparer.Ordinal);
        var ignoredSignals = 0;
        await Parallel.ForEachAsync(byShard, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (shard, ct) =>
        {
            foreach (var chunk in shard.Chunk(TableBatches.MaxBatch))
            {
                Interlocked.Add(ref ignoredSignals, await ApplyChunkAsync(shard.Key, chunk, ct));
            }
        });

        var record = new TableEntity(batchId, "batch")
        {
            ["BodyHash"] = bodyHash,
            ["Signals"] = signals.Count,
            ["Engagements"] = engagements.Count,
            ["Users"] = updates.Count,
            ["AppliedUtc"] = DateTimeOffset.UtcNow,
        };
        try
        {
            await tables.IngestBatches.AddEntityAsync(record, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // The same batch applied concurrently; the data is the same either way.
        }

        return new IngestionReceipt(batchId, IngestionOutcome.Applied, signals.Count, engagements.Count, updates.Count, ignoredSignals);
    }

    /// <summary>Applies a chunk of one shard's updates; returns how many signal items were ignored (not opted in, network not connected).</summary>
    private async Task<int> ApplyChunkAsync(string shardKey, KeyValuePair<string, UserUpdate>[] chunk, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var actions = new List<TableTransactionAction>(chunk.Length);
            var ignored = 0;
            foreach (var (userId, update) in chunk)
            {
                // Only an opted-in person has a row; for anyone else nothing is stored under their id. Their engagement
                // still counts, anonymously, in the row of the opted-in person they engaged (that person's own update).
                var response = await tables.Signals.GetEntityIfExistsAsync<TableEntity>(shardKey, userId, cancellationToken: cancellationToken);
                var account = response.HasValue ? AccountRows.Read(response.Value!) : null;
                if (account is not { OptedIn: true })
                {
                    ignored += update.Signals.Count;
                    continue;
                }

                var row = response.Value!;
                ignored += update.ApplyTo(row, account);
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, row.ETag));
            }

            try
            {
                if (actions.Count > 0)
                {
                    await tables.Signals.SubmitTransactionAsync(actions, cancellationToken);
                }

                return ignored;
            }
            catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412 && attempt < MaxConcurrencyRetries)
            {
                // Another batch (or a connection change, or an erasure) changed one of these rows between our read and
                // write: read again and redo. An erased person's row is gone by then, so nothing is written for them.
            }
        }
    }

    private static readonly float[] NoExtendedSignals = [.. Enumerable.Repeat(float.NaN, ScoringWindow.ExtendedSignalCount)];

    private sealed class UserUpdate
    {
        /// <summary>A day's signals per network; <c>Extended</c> (views, saves) is null when the item reported neither.</summary>
        public List<(string Network, int Day, float[] Values, float[]? Extended)> Signals { get; } = [];

        public List<(ulong Key, int Day, float Count)> Inbound { get; } = [];

        public List<(ulong Key, int Day, float Count)> Outbound { get; } = [];

        /// <summary>Applies the update; returns how many signal items were ignored because their network is not connected.</summary>
        public int ApplyTo(TableEntity row, Account account)
        {
            var ignored = 0;
            foreach (var group in Signals.GroupBy(s => s.Network, StringComparer.Ordinal))
            {
                if (!account.IsConnected(group.Key))
                {
                    ignored += group.Count();
                    continue;
                }

                var column = SignalRows.WindowColumn(group.Key);
                var series = PackedSeries.Decode(row.GetBinary(column));
                var extendedColumn = SignalRows.ExtendedColumn(group.Key);
                var extendedBytes = row.GetBinary(extendedColumn);

                // The extended column exists once the network reported views or saves; until then they are absent, and
                // a day set without them leaves it alone. Once it exists, a day is set in both, so a repeat replaces all.
                var extended = extendedBytes is not null || group.Any(s => s.Extended is not null) ? PackedSeries.DecodeExtended(extendedBytes) : null;
                foreach (var (_, day, values, extendedValues) in group)
                {
                    series.Set(day, values);
                    extended?.Set(day, extendedValues ?? NoExtendedSignals);
                }

                row[column] = series.Encode();
                if (extended is not null)
                {
                    row[extendedColumn] = extended.Encode();
                }
            }

            Merge(row, SignalRows.InboundColumn, Inbound);
            Merge(row, SignalRows.OutboundColumn, Outbound);
            return ignored;
        }

        private static void Merge(TableEntity row, string column, List<(ulong Key, int Day, float Count)> edges)
        {
            if (edges.Count == 0)
            {
                return;
            }

            var packed = PackedEngagements.Decode(row.GetBinary(column));
            foreach (var (key, day, count) in edges)
            {
                packed.Set(key, day, count);
            }

            row[column] = packed.Encode();
        }
    }
}
