using System.Globalization;

namespace InfluenceFunctions.Cli;

/// <summary>
/// The Azure sizing model of docs/storage.md ("Sizing model"): a night's storage transactions, time and transaction
/// cost from Table Storage's published targets. The doc's table is this class's output (a unit test compares them).
/// </summary>
public static class SizingModel
{
    /// <summary>Published target: entities per second of one table partition.</summary>
    public const double PartitionEntitiesPerSecond = 2_000;

    /// <summary>Published target: transactions per second of one storage account (1 KiB entities).</summary>
    public const double AccountTransactionsPerSecond = 20_000;

    /// <summary>Entities in one entity-group transaction, and rows in one query page.</summary>
    public const double BatchEntities = 100, PageRows = 1_000;

    /// <summary>Entities a night touches per user: the signals row read, the score row read, the score row written.</summary>
    public const double EntitiesPerUser = 3;

    /// <summary>Per shard, besides pages and batches: the population row and the topic hand-over rows.</summary>
    public const double FixedTransactionsPerShard = 2;

    /// <summary>Per night, whatever the size: run record, calibration, last night's population and graph, table checks (measured: 24).</summary>
    public const double FixedTransactionsPerNight = 24;

    /// <summary>Shard activities one function app runs at once in production: 12 instances x 4 (host.json).</summary>
    public const int ProductionShardsInFlight = 48;

    /// <summary>Assumed price of 10,000 table transactions (LRS, pay-as-you-go, as docs/deploy.md).</summary>
    public const double DollarsPer10kTransactions = 0.00036;

    /// <summary>Users a shard may hold: half the ~96,000 that fit a population row (ADR 0001).</summary>
    public const double UsersPerShardTarget = 49_000;

    /// <summary>The share of an account's target a night may use (the rest is for lookups and ingestion), and its window.</summary>
    public const double AccountShare = 0.75, WindowSeconds = 3_600;

    /// <summary>A size: the shard count the rule gives, the accounts and shards in flight it needs, and the night's figures.</summary>
    public sealed record Night(long Users, int Shards, int Accounts, int ShardsInFlight, double Transactions, double AccountSeconds, double ShardSeconds, double Seconds)
    {
        public double UsersPerShard => (double)Users / Shards;

        public double TransactionsPerUser => Transactions / Users;

        public double Dollars => Transactions / 10_000 * DollarsPer10kTransactions;
    }

    /// <summary>The shard rule: the production profile's 256, doubled while a shard would hold more than 49,000 users.</summary>
    public static int ShardsFor(long users)
    {
        var shards = 256;
        while (users / (double)shards > UsersPerShardTarget)
        {
            shards *= 2;
        }

        return shards;
    }

    /// <summary>
    /// Transactions of a night: per shard one 100-entity batch per 100 users written and one page per 1,000 rows of the
    /// signals, scores and topics partitions (a shard's count varies a little around the mean, so a partly filled batch
    /// counts half on average), plus the fixed rows.
    /// </summary>
    public static double Transactions(long users, int shards)
    {
        var perShard = users / (double)shards;
        return shards * (Partial(perShard / BatchEntities) + (3 * Partial(perShard / PageRows)) + FixedTransactionsPerShard) + FixedTransactionsPerNight;
    }

    /// <summary>A night's time against the targets, with <paramref name="accounts"/> accounts (shards split evenly) and <paramref name="shardsInFlight"/> activities at once.</summary>
    public static Night Predict(long users, int shards, int accounts, int shardsInFlight)
    {
        // Account: every entity counted as a 1 KiB transaction (conservative: our rows are 5-10 KiB; requests are ~100x fewer).
        var accountSeconds = users * EntitiesPerUser / (AccountTransactionsPerSecond * accounts);

        // Partition: one activity touches its shard's partitions in turn, each at most 2,000 entities/s, in waves of shardsInFlight.
        var shardSeconds = users / (double)shards * EntitiesPerUser / PartitionEntitiesPerSecond;
        var waves = Math.Ceiling(shards / (double)shardsInFlight);
        return new Night(users, shards, accounts, shardsInFlight, Transactions(users, shards), accountSeconds, shardSeconds, Math.Max(accountSeconds, waves * shardSeconds));
    }

    /// <summary>
    /// A size as production would run it: the shard rule; the fewest accounts (a power of two, so shard ranges split
    /// evenly) that do the night in an hour at 75% of their target; enough shards in flight to drive them (an activity
    /// drives at most one partition's 2,000 entities/s, so an account needs 10), at least the production 48.
    /// </summary>
    public static Night Production(long users)
    {
        var shards = ShardsFor(users);
        var accounts = 1;
        while (users * EntitiesPerUser / (AccountTransactionsPerSecond * AccountShare * accounts) > WindowSeconds)
        {
            accounts *= 2;
        }

        var inFlight = Math.Max(ProductionShardsInFlight, (int)(accounts * AccountTransactionsPerSecond / PartitionEntitiesPerSecond));
        return Predict(users, shards, accounts, inFlight);
    }

    /// <summary>The doc's table rows, one per size.</summary>
    public static IEnumerable<string> MarkdownRows(IEnumerable<long> sizes) => sizes.Select(Production).Select(n => string.Create(CultureInfo.InvariantCulture,
        $"| {n.Users:N0} | {n.Shards:N0} | {n.UsersPerShard:N0} | {n.Accounts} | {n.ShardsInFlight} | {n.Transactions:N0} | {n.TransactionsPerUser:F4} | {n.AccountSeconds:N0} | {n.ShardSeconds:F1} | {n.Seconds:N0} ({n.Seconds / 60:F0} min) | ${n.Dollars:F4} | ${n.Dollars * 30:F2} |"));

    public static readonly long[] DocSizes = [1_000_000, 10_000_000, 100_000_000];

    public static Task<int> RunAsync(string[] args)
    {
        var sizes = args.Length == 0 ? DocSizes : args.Select(a => long.Parse(a, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).ToArray();
        Console.WriteLine("| users | shards | users/shard | accounts | shards in flight | transactions | per user | account bound (s) | shard (s) | night (s) | $ a night | $ a month |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in MarkdownRows(sizes))
        {
            Console.WriteLine(row);
        }

        return Task.FromResult(0);
    }

    /// <summary>A batch or page count averaged over shards of slightly different sizes: at least one, else half a partial one more.</summary>
    private static double Partial(double fills) => fills <= 1 ? 1 : fills + 0.5;
}
