using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Ingestion;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage.Topics;
using InfluenceFunctions.Workflows.Nightly;

namespace InfluenceFunctions.Workflows.Topics;

/// <summary>
/// Rebuilds the topic leaderboards (table "leaders", PK = topic id, RK = inverted score + "|" + user id) when a night
/// completes: merges every shard's candidates (one partition query of "topicnights"), compares with what the last
/// rebuild wrote (the "~state" row), and rewrites only the topics that changed: one partition query and one
/// transaction each. Crash-safe: the topics about to be rewritten are recorded as dirty first, so an interrupted
/// rebuild is finished by the next one. Deterministic: the same night re-run writes nothing new.
/// </summary>
public sealed class LeaderboardBuilder(InfluenceTables tables, IOptions<TopicOptions> options)
{
    public const string StatePartition = "~state";
    public const string StateRow = "current";

    public async Task CompleteAsync(DateOnly night, CancellationToken cancellationToken)
    {
        var size = options.Value.LeaderboardSize;
        var merged = new Dictionary<string, List<LeaderCandidate>>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {DayKeys.Of(night)} and RowKey ge {TopicNightRows.LeadersRowPrefix} and RowKey lt {TopicNightRows.LeadersRowEnd}");
        await foreach (var row in tables.TopicNights.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            foreach (var (topic, candidates) in PackedJson.Read<Dictionary<string, List<LeaderCandidate>>>(row, "L") ?? [])
            {
                (merged.TryGetValue(topic, out var list) ? list : merged[topic] = []).AddRange(candidates);
            }
        }

        var next = merged.ToDictionary(m => m.Key, m => LeaderCandidate.Rank(m.Value).Take(size).ToList(), StringComparer.Ordinal);
        var stateResponse = await tables.Leaders.GetEntityIfExistsAsync<TableEntity>(StatePartition, StateRow, cancellationToken: cancellationToken);
        var state = stateResponse.HasValue ? PackedJson.Read<LeaderState>(stateResponse.Value!, "S") ?? LeaderState.Empty : LeaderState.Empty;
        var changed = next.Keys.Concat(state.Lists.Keys).Concat(state.Dirty)
            .Distinct(StringComparer.Ordinal)
            .Where(topic => state.Dirty.Contains(topic) || !Same(next.GetValueOrDefault(topic), state.Lists.GetValueOrDefault(topic)))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (changed.Count == 0)
        {
            return;
        }

        await WriteStateAsync(state with { Dirty = changed }, cancellationToken);
        foreach (var topic in changed)
        {
            await RewriteAsync(topic, next.GetValueOrDefault(topic) ?? [], cancellationToken);
        }

        await WriteStateAsync(new LeaderState(next, []), cancellationToken);
    }

    /// <summary>
    /// Takes a person off every leaderboard now (an erasure): their entries are deleted and the rebuild state forgets
    /// them, so the next rebuild does not see a difference to repair. Returns how many rows were changed.
    /// </summary>
    public async Task<int> RemoveAsync(string userId, CancellationToken cancellationToken)
    {
        var stateResponse = await tables.Leaders.GetEntityIfExistsAsync<TableEntity>(StatePartition, StateRow, cancellationToken: cancellationToken);
        if (!stateResponse.HasValue)
        {
            return 0;
        }

        var state = PackedJson.Read<LeaderState>(stateResponse.Value!, "S") ?? LeaderState.Empty;
        var changed = 0;
        foreach (var (topic, list) in state.Lists)
        {
            foreach (var entry in list.Where(c => c.U == userId).ToList())
            {
                await tables.Leaders.DeleteEntityAsync(topic, RowKey(entry.S, entry.U), Azure.ETag.All, cancellationToken);
                list.Remove(entry);
                changed++;
            }
        }

        // Topics mid-rebuild may hold entries the state does not list yet: look in those partitions too.
        foreach (var topic in state.Dirty)
        {
            await foreach (var row in tables.Leaders.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {topic}"), maxPerPage: 1000, select: ["RowKey", "UserId"], cancellationToken: cancellationToken))
            {
                if (row.GetString("UserId") == userId)
                {
                    await tables.Leaders.DeleteEntityAsync(topic, row.RowKey, Azure.ETag.All, cancellationToken);
                    changed++;
                }
            }
        }

        if (changed > 0)
        {
            await WriteStateAsync(state, cancellationToken);
        }

        return changed;
    }

    public static string RowKey(int score, string userId) => (100 - score).ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + "|" + userId;

    private async Task RewriteAsync(string topic, List<LeaderCandidate> leaders, CancellationToken cancellationToken)
    {
        var desired = leaders.ToDictionary(l => RowKey(l.S, l.U), StringComparer.Ordinal);
        var actions = new List<TableTransactionAction>();
        await foreach (var row in tables.Leaders.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {topic}"), maxPerPage: 1000, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (!desired.ContainsKey(row.RowKey))
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(topic, row.RowKey), Azure.ETag.All));
            }
        }

        actions.AddRange(desired.Select(d => new TableTransactionAction(
            TableTransactionActionType.UpsertReplace,
            new TableEntity(topic, d.Key) { ["UserId"] = d.Value.U, ["Score"] = d.Value.S })));
        foreach (var chunk in actions.Chunk(TableBatches.MaxBatch))
        {
            await tables.Leaders.SubmitTransactionAsync(chunk, cancellationToken);
        }
    }

    private async Task WriteStateAsync(LeaderState state, CancellationToken cancellationToken)
    {
        var row = new TableEntity(StatePartition, StateRow);
        PackedJson.Write(row, "S", state);
        await tables.Leaders.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    private static bool Same(List<LeaderCandidate>? a, List<LeaderCandidate>? b) => (a ?? []).SequenceEqual(b ?? []);

    private sealed record LeaderState(Dictionary<string, List<LeaderCandidate>> Lists, List<string> Dirty)
    {
        public static readonly LeaderState Empty = new(new Dictionary<string, List<LeaderCandidate>>(StringComparer.Ordinal), []);
    }
}
