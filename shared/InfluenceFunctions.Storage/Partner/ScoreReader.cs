using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Runs;

namespace InfluenceFunctions.Storage.Partner;

/// <summary>What storage says about a user: the score row, or none (then whether the user has data waiting for a run).</summary>
public sealed record ScoreLookup(string UserId, ScoreEntity? Row, bool HasSignals, DateTimeOffset FreshUntilUtc)
{
    public bool Exists => Row is not null || HasSignals;
}

/// <summary>
/// Reads score rows for the partner API with as few storage calls as it can, behind an in-process cache.
/// Scores change once a night: a row that holds the latest scheduled night is cached until the next run; the
/// instance that completes a run drops the whole cache at once (other instances reach the next-run bound).
/// </summary>
public sealed class ScoreReader
{
    /// <summary>A Table service filter holds at most 15 comparisons: the PartitionKey plus 14 RowKeys.</summary>
    public const int RowKeysPerQuery = 14;

    private static readonly string[] SignalColumns = [.. Networks.All.Select(SignalRows.WindowColumn)];

    private readonly ConcurrentDictionary<string, ScoreLookup> cache = new(StringComparer.Ordinal);
    private readonly InfluenceTables tables;
    private readonly InfluenceOptions influence;
    private readonly PartnerOptions partner;
    private readonly RunSchedule schedule;
    private readonly TimeProvider clock;

    public ScoreReader(InfluenceTables tables, IOptions<InfluenceOptions> influence, IOptions<PartnerOptions> partner, RunSchedule schedule, TimeProvider clock)
    {
        this.tables = tables;
        this.influence = influence.Value;
        this.partner = partner.Value;
        this.schedule = schedule;
        this.clock = clock;
    }

    public int CachedCount => cache.Count;

    public async Task<ScoreLookup> GetAsync(string userId, CancellationToken cancellationToken) =>
        (await GetManyAsync([userId], cancellationToken))[userId];

    /// <summary>Every id answered (found or not). Ids not cached are grouped by shard: per shard, one point read for
    /// one id, else partition queries of up to 14 RowKeys; the few ids without a score row get the same for signals.</summary>
    public async Task<IReadOnlyDictionary<string, ScoreLookup>> GetManyAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var now = clock.GetUtcNow();
        var answers = new Dictionary<string, ScoreLookup>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var id in userIds.Distinct(StringComparer.Ordinal))
        {
            if (cache.TryGetValue(id, out var hit) && hit.FreshUntilUtc > now)
            {
                answers[id] = hit;
            }
            else
            {
                missing.Add(id);
            }
        }

        if (missing.Count == 0)
        {
            return answers;
        }

        var rows = await ReadByShardAsync<ScoreEntity>(tables.Scores, missing, select: null, cancellationToken);
        var noScore = missing.Where(id => !rows.ContainsKey(id)).ToList();
        var signals = noScore.Count == 0
            ? new Dictionary<string, TableEntity>(StringComparer.Ordinal)
            : await ReadByShardAsync<TableEntity>(tables.Signals, noScore, SignalColumns, cancellationToken);

        var nextRun = schedule.NextRunAfter(now);
        var latestNight = schedule.LatestScheduledNight(now);
        if (cache.Count + missing.Count > partner.CacheMaxEntries)
        {
            cache.Clear();
        }

        foreach (var id in missing)
        {
            rows.TryGetValue(id, out var row);
            if (row is not null && ScoreRows.IsWithdrawn(row))
            {
                row = null; // No connected network: the person is not looked up (their history stays theirs, in the export).
            }
            var hasSignals = row is null && signals.TryGetValue(id, out var signalRow)
                && signalRow.Any(c => c.Key.StartsWith("W_", StringComparison.Ordinal) && c.Value is byte[]);
            var lookup = new ScoreLookup(id, row, hasSignals, FreshUntil(row, now, nextRun, latestNight));
            answers[id] = lookup;
            if (partner.CacheMaxEntries > 0)
            {
                cache[id] = lookup;
            }
        }

        return answers;
    }

    /// <summary>Drops one person from this instance's cache (an erasure).</summary>
    public void Forget(string userId) => cache.TryRemove(userId, out _);

    /// <summary>Drops every cached lookup: a night's run completed in this process.</summary>
    public void ForgetAll() => cache.Clear();

    /// <summary>
    /// A row holding the night the latest scheduled run scores is good until the next run. Anything else (the run
    /// is due but not finished, the user was skipped, the user is unknown) is looked at again sooner.
    /// </summary>
    private DateTimeOffset FreshUntil(ScoreEntity? row, DateTimeOffset now, DateTimeOffset nextRun, DateOnly latestNight)
    {
        if (row is not null && DateOnly.TryParse(row.Day, CultureInfo.InvariantCulture, out var day) && day >= latestNight)
        {
            return nextRun;
        }

        var seconds = row is null ? partner.NotFoundCacheSeconds : partner.StaleCacheSeconds;
        var soon = now.AddSeconds(seconds);
        return soon < nextRun ? soon : nextRun;
    }

    private async Task<Dictionary<string, T>> ReadByShardAsync<T>(TableClient table, IReadOnlyCollection<string> ids, string[]? select, CancellationToken cancellationToken)
        where T : class, ITableEntity, new()
    {
        var found = new ConcurrentDictionary<string, T>(StringComparer.Ordinal);
        var work = ids.GroupBy(id => Shards.KeyOf(id, influence.ShardCount))
            .SelectMany(shard => shard.Chunk(RowKeysPerQuery).Select(chunk => (Shard: shard.Key, Ids: chunk)))
            .ToList();
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            try
            {
                if (item.Ids.Length == 1)
                {
                    var response = await table.GetEntityIfExistsAsync<T>(item.Shard, item.Ids[0], select, ct);
                    if (response.HasValue)
                    {
                        found[item.Ids[0]] = response.Value!;
                    }

                    return;
                }

                // Each comparison is escaped by CreateQueryFilter; joining escaped comparisons keeps them escaped.
                var rowKeys = string.Join(" or ", item.Ids.Select(id => TableClient.CreateQueryFilter($"RowKey eq {id}")));
                var filter = TableClient.CreateQueryFilter($"PartitionKey eq {item.Shard}") + " and (" + rowKeys + ")";
                // A query's $select returns only the columns named, so name the RowKey we file the rows by.
                var columns = select is null ? null : select.Append("RowKey").ToArray();
                await foreach (var row in table.QueryAsync<T>(filter, maxPerPage: RowKeysPerQuery, columns, ct))
                {
                    found[row.RowKey] = row;
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // The table does not exist yet (nothing ingested or scored): every id here is unknown.
            }
        });
        return new Dictionary<string, T>(found, StringComparer.Ordinal);
    }
}
