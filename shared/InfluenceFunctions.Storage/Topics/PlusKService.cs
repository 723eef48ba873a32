using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Ingestion;

namespace InfluenceFunctions.Storage.Topics;

public enum PlusKRefusal
{
    None,
    DailyLimit,
    PairLimit,
}

/// <summary>The answer to a +K: given, or refused by a limit with the time it resets; and what is left today.</summary>
public sealed record PlusKOutcome(PlusKRefusal Refusal, int RemainingToday, DateTimeOffset ResetsUtc, PlusKGift? Gift);

/// <summary>Whether a user exists for +K purposes: scored (may give), known (may receive) or unknown.</summary>
public enum UserStanding
{
    Unknown,
    Known,
    Scored,
}

/// <summary>
/// +K: at most <see cref="DailyLimit"/> per giver per UTC day, one per (giver, receiver, topic) per
/// <see cref="PairWindow"/>. The giver's "plusk" row in table "topics" is the whole record and its lock: limits
/// are checked against the row as read and the gift is written with the row's ETag (or as a new row), so of two
/// concurrent requests for the last slot exactly one succeeds; the other re-reads and is refused.
/// </summary>
public sealed class PlusKService(InfluenceTables tables, IOptions<InfluenceOptions> options, TimeProvider clock)
{
    public const int DailyLimit = 5;
    public static readonly TimeSpan PairWindow = TimeSpan.FromDays(7);
    private const int MaxConcurrencyRetries = 16;

    public static List<PlusKGift> ReadGiven(TableEntity row) => PackedJson.Read<List<PlusKGift>>(row, "G") ?? [];

    public async Task<UserStanding> StandingAsync(string userId, CancellationToken cancellationToken)
    {
        var shard = Shards.KeyOf(userId, options.Value.ShardCount);
        var score = await tables.Scores.GetEntityIfExistsAsync<TableEntity>(shard, userId, select: ["Status"], cancellationToken: cancellationToken);
        if (score.HasValue)
        {
            return score.Value!.GetString("Status") == ScoreRowStatuses.ToStored(ScoreRowStatus.Scored) ? UserStanding.Scored : UserStanding.Known;
        }

        var signals = await tables.Signals.GetEntityIfExistsAsync<TableEntity>(shard, userId, cancellationToken: cancellationToken);
        return signals.HasValue && SignalRows.ConnectedNetworks(signals.Value!).Any() ? UserStanding.Known : UserStanding.Unknown;
    }

    public async Task<PlusKOutcome> GiveAsync(string giver, string receiver, string topic, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow();
            var (row, exists) = await ReadRowAsync(giver, cancellationToken);
            var given = Prune(ReadGiven(row), now);
            var today = TodayOf(given, now);
            var nextMidnight = NextMidnight(now);
            if (today >= DailyLimit)
            {
                return new PlusKOutcome(PlusKRefusal.DailyLimit, 0, nextMidnight, null);
            }

            var previous = given.Where(g => g.Receiver == receiver && g.Topic == topic && g.GivenUtc > now - PairWindow).Select(g => (DateTimeOffset?)g.GivenUtc).Max();
            if (previous is { } last)
            {
                return new PlusKOutcome(PlusKRefusal.PairLimit, DailyLimit - today, last + PairWindow, null);
            }

            var gift = new PlusKGift(receiver, topic, now);
            given.Add(gift);
            PackedJson.Write(row, "G", given);
            try
            {
                if (exists)
                {
                    await tables.Topics.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await tables.Topics.AddEntityAsync(row, cancellationToken);
                }

                return new PlusKOutcome(PlusKRefusal.None, DailyLimit - today - 1, nextMidnight, gift);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxConcurrencyRetries)
            {
                // Another request of this giver wrote first: read again, so the limits see its gift.
            }
        }
    }

    public async Task<(int RemainingToday, DateTimeOffset ResetsUtc, IReadOnlyList<PlusKGift> Recent)> StatusAsync(string giver, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (row, _) = await ReadRowAsync(giver, cancellationToken);
        var given = Prune(ReadGiven(row), now);
        return (Math.Max(0, DailyLimit - TodayOf(given, now)), NextMidnight(now), given.Where(g => g.GivenUtc > now - PairWindow).OrderByDescending(g => g.GivenUtc).ToList());
    }

    private async Task<(TableEntity Row, bool Exists)> ReadRowAsync(string giver, CancellationToken cancellationToken)
    {
        var shard = Shards.KeyOf(giver, options.Value.ShardCount);
        var rowKey = TopicRows.RowKey(TopicRows.PlusK, giver);
        var response = await tables.Topics.GetEntityIfExistsAsync<TableEntity>(shard, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? (response.Value!, true) : (new TableEntity(shard, rowKey), false);
    }

    /// <summary>Gifts older than the topic window no longer count anywhere: drop them from the row.</summary>
    private static List<PlusKGift> Prune(List<PlusKGift> given, DateTimeOffset now) =>
        given.Where(g => g.GivenUtc > now.AddDays(-TopicScorer.WindowDays)).OrderBy(g => g.GivenUtc).ToList();

    private static int TodayOf(List<PlusKGift> given, DateTimeOffset now) => given.Count(g => g.GivenUtc.UtcDateTime.Date == now.UtcDateTime.Date);

    private static DateTimeOffset NextMidnight(DateTimeOffset now) => new(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
}
