using Azure.Data.Tables;
using InfluenceFunctions.Domain;

namespace InfluenceFunctions.Storage;

/// <summary>
/// The tables and their key design. Every per-user table is partitioned by shard (see <see cref="Shards"/>),
/// so the nightly run reads a shard with partition queries and writes it with 100-entity transactions.
/// Written out in full in docs/storage.md.
/// </summary>
public sealed class InfluenceTables(StorageClientFactory factory)
{
    /// <summary>PK = shard, RK = user id. One row per user: a packed daily series per connected network
    /// (column W_{network}) and packed inbound/outbound engagement. Written by ingestion, read by the nightly run.</summary>
    public TableClient Signals { get; } = factory.Table("signals");

    /// <summary>PK = shard, RK = user id. One row per user: today's and yesterday's result and up to 400 days
    /// of daily scores packed in one column, so a lookup, its deltas and its history are one point read.</summary>
    public TableClient Scores { get; } = factory.Table("scores");

    /// <summary>PK = shard, RK = user id. The same row shape as <see cref="Scores"/>, for the shadow model version:
    /// never served as a score, read only to build the live-against-shadow diff report.</summary>
    public TableClient ShadowScores { get; } = factory.Table("shadowscores");

    /// <summary>PK = shadow model version, RK = day, newest first. The night's live-against-shadow diff report (JSON).</summary>
    public TableClient ShadowReports { get; } = factory.Table("shadowreports");

    /// <summary>PK = day (yyyyMMdd), RK = shard. Every scored user's key, score and flags that night, packed.
    /// The next night reads the whole partition (one query) to weight engagers by their previous score.</summary>
    public TableClient Population { get; } = factory.Table("population");

    /// <summary>PK = model version, RK = day, newest first (<see cref="DayKeys.NewestFirst"/>). The calibration
    /// produced by that night (<see cref="Runs.CalibrationRows"/>: knots in Knots, v2's network scales gzipped in Scales0..);
    /// a night uses the newest one from before its own day, so a re-run is identical.</summary>
    public TableClient Calibration { get; } = factory.Table("calibration");

    /// <summary>PK = "{model version}|{yyyyMMdd}", RK = shard. What each shard's pass saw of model v2's population
    /// (<see cref="Runs.ScaleSummaryRows"/>): the night's completion merges the partition to refit the network scales.</summary>
    public TableClient ScaleSummaries { get; } = factory.Table("scalesummaries");

    /// <summary>PK = "nightly", RK = day (yyyyMMdd). One record per night: status, counts, duration, transactions.</summary>
    public TableClient Runs { get; } = factory.Table("runs");

    /// <summary>PK = client batch id, RK = "batch". Marks an applied ingestion batch and the hash of its body.</summary>
    public TableClient IngestBatches { get; } = factory.Table("ingestbatches");

    /// <summary>PK = shard, RK = "{kind}|{user id}" with kind posts, plusk, topics or hidden (see <see cref="Topics.TopicRows"/>):
    /// a user's posts, the +K they gave, their nightly topics with evidence, and the topics they hid.</summary>
    public TableClient Topics { get; } = factory.Table("topics");

    /// <summary>PK = night (yyyyMMdd), RK = "graph-{shard}" or "leaders-{shard}". What each shard's nightly pass hands on:
    /// the +K its users gave (the next night's ring detection) and its top users per topic (tonight's leaderboards).</summary>
    public TableClient TopicNights { get; } = factory.Table("topicnights");

    /// <summary>PK = topic id, RK = inverted score (000 = 100) + "|" + user id: a topic's leaderboard is one partition
    /// query, best first. PK "~state" holds what the last rebuild wrote.</summary>
    public TableClient Leaders { get; } = factory.Table("leaders");

    /// <summary>PK = stored network name, RK = account handle or id (normalized), column UserId: who holds a network
    /// account, so one account is never connected to two people (an insert that conflicts is the 409).</summary>
    public TableClient Connections { get; } = factory.Table("connections");

    /// <summary>PK = shard, RK = erasure token (keyed hash of the user id). While an erasure runs the row holds the user id
    /// and their connections; when it is done only the token and times stay, so the row no longer names anyone.</summary>
    public TableClient Erasures { get; } = factory.Table("erasures");

    public IEnumerable<TableClient> All => [Signals, Scores, ShadowScores, ShadowReports, Population, Calibration, ScaleSummaries, Runs, IngestBatches, Topics, TopicNights, Leaders, Connections, Erasures];

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken)
    {
        foreach (var table in All)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
        }
    }
}
