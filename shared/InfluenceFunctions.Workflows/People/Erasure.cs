using System.Text.Json;
using Azure.Data.Tables;
using Azure;
using InfluenceFunctions.Domain.People;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage.Ingestion;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage.People;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage.Topics;
using InfluenceFunctions.Storage.Webhooks;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Durable;
using InfluenceFunctions.Workflows.Topics;
using InfluenceFunctions.Workflows.Webhooks;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Workflows.People;

/// <summary>Settings of section "Privacy".</summary>
public sealed class PrivacyOptions
{
    public const string SectionName = "Privacy";

    /// <summary>How long an erasure waits before its second sweep, for writes already in flight when the first ran
    /// (an ingestion request, a night's shard); longer than any request's timeout.</summary>
    public int ErasureSettleSeconds { get; set; } = 300;

    /// <summary>A night recorded as running that has written nothing for this long is taken as abandoned (its
    /// orchestration lost or stuck) and no longer holds erasures back; a failed night never does.</summary>
    public int NightStalledSeconds { get; set; } = 1800;
}

/// <summary>The orchestration's input: where the erasure row is, never the user id (so Durable history does not name them).</summary>
public sealed record ErasureInput(string Shard, string Token, int SettleSeconds);

public sealed record ErasureStep(int RowsDeleted, int RowsRewritten);

public sealed record ErasureSummary(ErasureStep FirstSweep, int EndpointsNotified, ErasureStep SecondSweep);

/// <summary>What the person sees of their erasure.</summary>
public sealed record ErasureStatus(ErasureState Status, DateTimeOffset RequestedUtc, DateTimeOffset? CompletedUtc);

/// <summary>Where an erasure stands (stored in the erasure row's State as "erasing" or "erased").</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(KebabCaseEnumConverter<ErasureState>))]
public enum ErasureState
{
    Erasing,
    Erased,
}

/// <summary>
/// Erasure: sweep every table for the person's rows, tell subscribed partners (user.erased), wait for writes already in
/// flight, sweep again, then keep only a tombstone that no longer names them. Every step is idempotent, so a retried
/// activity or a replay after a crash redoes it safely and the erasure resumes where it failed.
/// Replay-safe: no I/O, clock or randomness here.
/// </summary>
public sealed class ErasureOrchestrator : TaskOrchestrator<ErasureInput, ErasureSummary>
{
    private const int MaxWaitsForNight = 48;

    public override async Task<ErasureSummary> RunAsync(TaskOrchestrationContext context, ErasureInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var first = await context.CallActivityAsync<ErasureStep>(nameof(SweepErasureActivity), input, DurableRetry.Options);
        var notified = await context.CallActivityAsync<int>(nameof(NotifyErasureActivity), input, DurableRetry.Options);
        context.SetCustomStatus("settling");
        await context.CreateTimer(TimeSpan.FromSeconds(input.SettleSeconds), CancellationToken.None);
        for (var wait = 0; wait < MaxWaitsForNight && await context.CallActivityAsync<bool>(nameof(NightInProgressActivity), input, DurableRetry.Options); wait++)
        {
            await context.CreateTimer(TimeSpan.FromMinutes(5), CancellationToken.None); // A night's shard may still write their row.
        }

        var second = await context.CallActivityAsync<ErasureStep>(nameof(SweepErasureActivity), input, DurableRetry.Options);
        await context.CallActivityAsync<bool>(nameof(CompleteErasureActivity), input, DurableRetry.Options);
        context.SetCustomStatus("erased");
        return new ErasureSummary(first, notified, second);
    }
}

public sealed class SweepErasureActivity(ErasureService erasure) : IActivity<ErasureInput, ErasureStep>
{
    public Task<ErasureStep> RunAsync(ErasureInput input, CancellationToken cancellationToken) => erasure.SweepAsync(input, cancellationToken);
}

public sealed class NotifyErasureActivity(ErasureService erasure) : IActivity<ErasureInput, int>
{
    public Task<int> RunAsync(ErasureInput input, CancellationToken cancellationToken) => erasure.NotifyAsync(input, cancellationToken);
}

public sealed class NightInProgressActivity(ErasureService erasure) : IActivity<ErasureInput, bool>
{
    public Task<bool> RunAsync(ErasureInput input, CancellationToken cancellationToken) => erasure.NightInProgressAsync(cancellationToken);
}

public sealed class CompleteErasureActivity(ErasureService erasure) : IActivity<ErasureInput, bool>
{
    public Task<bool> RunAsync(ErasureInput input, CancellationToken cancellationToken) => erasure.CompleteAsync(input, cancellationToken);
}

/// <summary>
/// Requests, sweeps and completes erasures. Table "erasures": PK = shard, RK = token (HMAC of the user id under the
/// key pepper, so it names nobody). While pending the row holds the user id and connections the sweep needs; when done
/// only the token and times stay. Population rows and other people's engagement lists hold the person only as a
/// 64-bit key among counts (anonymous engagement), which age out of the 90-day window; they are not rewritten.
/// </summary>
public sealed class ErasureService(
    InfluenceTables tables,
    AccountStore accounts,
    ApiKeyHasher hasher,
    LeaderboardBuilder leaderboards,
    WebhookStore webhooks,
    WebhookOutbox outbox,
    ScoreReader reader,
    RunRecords runs,
    IOptions<InfluenceOptions> options,
    IOptions<PrivacyOptions> privacy,
    TimeProvider clock)
{
    private static readonly string Pending = StoredNames.Of(ErasureState.Erasing);
    private static readonly string Done = StoredNames.Of(ErasureState.Erased);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string TokenOf(string userId) => hasher.Hash("erasure\n" + userId).ToLowerInvariant();

    private string ShardOf(string userId) => Shards.KeyOf(userId, options.Value.ShardCount);

    public async Task<ErasureStatus?> StatusAsync(string userId, CancellationToken cancellationToken)
    {
        var row = await tables.Erasures.GetEntityIfExistsAsync<TableEntity>(ShardOf(userId), TokenOf(userId), cancellationToken: cancellationToken);
        return row.HasValue ? ToStatus(row.Value!) : null;
    }

    /// <summary>Starts the erasure (or finds the one running). Null when nothing is stored about the person.</summary>
    public async Task<ErasureStatus?> RequestAsync(string userId, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var shard = ShardOf(userId);
        var token = TokenOf(userId);
        var existing = await tables.Erasures.GetEntityIfExistsAsync<TableEntity>(shard, token, cancellationToken: cancellationToken);
        var account = await accounts.GetAsync(userId, cancellationToken);
        TableEntity row;
        if (existing.HasValue && existing.Value!.GetString("State") == Pending)
        {
            row = existing.Value; // A repeat while it runs: the same erasure.
        }
        else if (!account.OptedIn)
        {
            return existing.HasValue ? ToStatus(existing.Value!) : null; // Already erased, or never opted in.
        }
        else
        {
            var now = clock.GetUtcNow();
            row = new TableEntity(shard, token)
            {
                ["State"] = Pending,
                ["UserId"] = userId,
                ["Connections"] = JsonSerializer.Serialize(account.Connections, Json),
                ["RequestedUtc"] = now,
                ["InstanceId"] = $"erase-{token[..24]}-{now.UtcTicks}",
            };
            await tables.Erasures.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken); // Replaces the tombstone of an earlier life.
        }

        var instanceId = row.GetString("InstanceId");
        var instance = await client.GetInstanceAsync(instanceId, cancellationToken);
        if (instance?.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
        {
            // It gave up (storage down for longer than its retries): a repeat request starts it again; every step is idempotent.
            instanceId = $"erase-{token[..24]}-{clock.GetUtcNow().UtcTicks}";
            await tables.Erasures.UpdateEntityAsync(new TableEntity(shard, token) { ["InstanceId"] = instanceId }, ETag.All, TableUpdateMode.Merge, cancellationToken);
            instance = null;
        }

        if (instance is null)
        {
            var input = new ErasureInput(shard, token, privacy.Value.ErasureSettleSeconds);
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(ErasureOrchestrator), input, new StartOrchestrationOptions(instanceId), cancellationToken);
        }

        return ToStatus(row);
    }

    /// <summary>Deletes or rewrites every row that names the person. Idempotent; a no-op once the erasure is complete.</summary>
    public async Task<ErasureStep> SweepAsync(ErasureInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (await PendingAsync(input, cancellationToken) is not { } pending)
        {
            return new ErasureStep(0, 0);
        }

        var (userId, shard) = (pending.UserId, input.Shard);
        var connections = pending.Connections.Concat((await accounts.GetAsync(userId, cancellationToken)).Connections).Distinct().ToList();

        // Their own row first: from here on ingestion stores nothing for them and the nightly run does not score them.
        var deleted = await DeleteAsync(tables.Signals, shard, userId, cancellationToken);
        deleted += await DeleteAsync(tables.Scores, shard, userId, cancellationToken);
        deleted += await DeleteAsync(tables.ShadowScores, shard, userId, cancellationToken);
        foreach (var kind in new[] { TopicRows.Posts, TopicRows.PlusK, TopicRows.Topics, TopicRows.Hidden })
        {
            deleted += await DeleteAsync(tables.Topics, shard, TopicRows.RowKey(kind, userId), cancellationToken);
        }

        foreach (var connection in connections)
        {
            await accounts.ReleaseAsync(userId, connection.Network, connection.Account, cancellationToken);
        }

        var rewritten = await leaderboards.RemoveAsync(userId, cancellationToken);
        rewritten += await ScrubTopicNightsAsync(shard, userId, cancellationToken);
        rewritten += await ScrubShadowReportsAsync(userId, cancellationToken);
        rewritten += await ScrubPlusKReceivedAsync(userId, Placeholder(input.Token), cancellationToken);
        deleted += await DeleteWebhookEventsAsync(userId, cancellationToken);
        reader.Forget(userId);
        return new ErasureStep(deleted, rewritten);
    }

    /// <summary>Sends user.erased to every endpoint subscribed to the person (or to everyone), then removes them from
    /// endpoint filters. A filter entry becomes "erased#…", which no user id can match (ids never hold '#').</summary>
    public async Task<int> NotifyAsync(ErasureInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (await PendingAsync(input, cancellationToken) is not { } pending)
        {
            return 0;
        }

        await webhooks.CreateIfNotExistsAsync(cancellationToken);
        var endpoints = await webhooks.ListEndpointsAsync(null, cancellationToken);
        var day = DateOnly.FromDateTime(pending.RequestedUtc.UtcDateTime);
        var events = endpoints
            .Where(e => e.Wants(WebhookEventType.UserErased) && (e.UserIdList().Count == 0 || e.UserIdList().Contains(pending.UserId)))
            .Select(e => OutboxEvents.For(e, day, "erasure:" + input.Token, WebhookEventType.UserErased, pending.RequestedUtc, new { userId = pending.UserId, requestedUtc = pending.RequestedUtc }))
            .ToList();
        await outbox.PublishAsync(events, cancellationToken);
        foreach (var endpoint in endpoints.Where(e => e.UserIdList().Contains(pending.UserId)))
        {
            var ids = endpoint.UserIdList().Select(id => id == pending.UserId ? Placeholder(input.Token) : id).ToList();
            var patch = new TableEntity(endpoint.PartitionKey, endpoint.RowKey) { ["UserIds"] = JsonSerializer.Serialize(ids) };
            await webhooks.Endpoints.UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }

        return events.Count;
    }

    /// <summary>
    /// Whether a night of the last two days is in progress (its shards may still write the person's rows): running and
    /// alive. Failed and abandoned nights do not hold the erasure back (<see cref="RunRecords.InProgressSinceAsync"/>).
    /// </summary>
    public Task<bool> NightInProgressAsync(CancellationToken cancellationToken) =>
        runs.InProgressSinceAsync(
            DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-2),
            DateTimeOffset.UtcNow, // Liveness is wall-clock time, compared with the service's row timestamps.
            TimeSpan.FromSeconds(privacy.Value.NightStalledSeconds),
            cancellationToken);

    /// <summary>Leaves only the tombstone: the token and the times.</summary>
    public async Task<bool> CompleteAsync(ErasureInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (await PendingAsync(input, cancellationToken) is not { } pending)
        {
            return false;
        }

        var tombstone = new TableEntity(input.Shard, input.Token) { ["State"] = Done, ["RequestedUtc"] = pending.RequestedUtc, ["CompletedUtc"] = clock.GetUtcNow() };
        await tables.Erasures.UpsertEntityAsync(tombstone, TableUpdateMode.Replace, cancellationToken);
        return true;
    }

    /// <summary>What stands where others' rows named the person: no user id can be it (ids never hold '#').</summary>
    private static string Placeholder(string token) => "erased#" + token[..8];

    /// <summary>
    /// +K others gave the person: the givers' rows name the receiver. The receiver becomes the placeholder rather than
    /// being removed, so the givers' daily and weekly limits still count the gift. A filtered scan of the "plusk" rows.
    /// </summary>
    private async Task<int> ScrubPlusKReceivedAsync(string userId, string placeholder, CancellationToken cancellationToken)
    {
        var rewritten = 0;
        var from = TopicRows.RowKey(TopicRows.PlusK, string.Empty);
        var filter = TableClient.CreateQueryFilter($"RowKey ge {from} and RowKey lt {TopicRows.PlusK + "}"}");
        await foreach (var row in tables.Topics.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            var given = PlusKService.ReadGiven(row);
            if (!given.Exists(g => g.Receiver == userId))
            {
                continue;
            }

            PackedJson.Write(row, "G", given.Select(g => g.Receiver == userId ? g with { Receiver = placeholder } : g).ToList());
            try
            {
                await tables.Topics.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                rewritten++;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // The giver gave again meanwhile; the second sweep rewrites it.
            }
        }

        return rewritten;
    }

    private static ErasureStatus ToStatus(TableEntity row) =>
        new(StoredNames.Parse(row.GetString("State"), ErasureState.Erasing), row.GetDateTimeOffset("RequestedUtc") ?? DateTimeOffset.MinValue, row.GetDateTimeOffset("CompletedUtc"));

    private async Task<(string UserId, List<Connection> Connections, DateTimeOffset RequestedUtc)?> PendingAsync(ErasureInput input, CancellationToken cancellationToken)
    {
        var row = await tables.Erasures.GetEntityIfExistsAsync<TableEntity>(input.Shard, input.Token, cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value!.GetString("State") != Pending)
        {
            return null;
        }

        var connections = JsonSerializer.Deserialize<List<Connection>>(row.Value.GetString("Connections") ?? "[]", Json) ?? [];
        return (row.Value.GetString("UserId"), connections, row.Value.GetDateTimeOffset("RequestedUtc") ?? clock.GetUtcNow());
    }

    private static async Task<int> DeleteAsync(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken);
            return response.Status == 404 ? 0 : 1;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return 0; // Already gone (a resumed erasure), or the table was never made.
        }
    }

    /// <summary>The shard's hand-over rows ("leaders-{shard}", one per night) list its top users per topic.</summary>
    private async Task<int> ScrubTopicNightsAsync(string shard, string userId, CancellationToken cancellationToken)
    {
        var rewritten = 0;
        var filter = TableClient.CreateQueryFilter($"RowKey eq {TopicNightRows.LeadersRowPrefix + shard}");
        await foreach (var row in tables.TopicNights.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            var lists = PackedJson.Read<Dictionary<string, List<LeaderCandidate>>>(row, "L") ?? [];
            if (!lists.Values.Any(list => list.Exists(c => c.U == userId)))
            {
                continue;
            }

            var kept = lists.ToDictionary(l => l.Key, l => l.Value.Where(c => c.U != userId).ToList(), StringComparer.Ordinal);
            var replacement = new TableEntity(row.PartitionKey, row.RowKey);
            PackedJson.Write(replacement, "L", kept);
            await tables.TopicNights.UpdateEntityAsync(replacement, ETag.All, TableUpdateMode.Replace, cancellationToken);
            rewritten++;
        }

        return rewritten;
    }

    /// <summary>Shadow diff reports list the biggest movers by id.</summary>
    private async Task<int> ScrubShadowReportsAsync(string userId, CancellationToken cancellationToken)
    {
        var rewritten = 0;
        await foreach (var row in tables.ShadowReports.QueryAsync<TableEntity>(maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            if (JsonSerializer.Deserialize<ShadowDiffReport>(row.GetString("Report") ?? "null", Json) is not { } report || !report.BiggestMovers.Any(m => m.UserId == userId))
            {
                continue;
            }

            var scrubbed = report with { BiggestMovers = report.BiggestMovers.Where(m => m.UserId != userId).ToList() };
            var replacement = new TableEntity(row.PartitionKey, row.RowKey) { ["Report"] = JsonSerializer.Serialize(scrubbed, Json) };
            await tables.ShadowReports.UpdateEntityAsync(replacement, ETag.All, TableUpdateMode.Replace, cancellationToken);
            rewritten++;
        }

        return rewritten;
    }

    /// <summary>Outbox events about the person (score and topic events). A scan of the events table: erasures are rare.</summary>
    private async Task<int> DeleteWebhookEventsAsync(string userId, CancellationToken cancellationToken)
    {
        var rows = await webhooks.EventsAboutAsync(userId, cancellationToken);
        await TableBatches.DeleteAsync(webhooks.Events, rows, cancellationToken);
        return rows.Count;
    }
}
