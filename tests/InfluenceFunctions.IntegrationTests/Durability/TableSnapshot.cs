using Azure;
using Azure.Data.Tables;

namespace InfluenceFunctions.IntegrationTests.Durability;

/// <summary>
/// Every row of every table under a prefix, as comparable text, for "the same night writes the same rows" across two
/// runs in two sets of tables: what legitimately differs between runs (service timestamps, durations and storage
/// counts, delivery bookkeeping, the partner key each test host makes for itself) is left out; everything else must be
/// equal, byte for byte.
/// </summary>
public static partial class TableSnapshot
{
    /// <summary>Columns that record how a run went, not what it computed.</summary>
    private static readonly Dictionary<string, HashSet<string>> RunColumns = new(StringComparer.Ordinal)
    {
        ["runs"] = ["StartedUtc", "CompletedUtc", "DurationSeconds", "CompletionSeconds", "StorageTransactions", "StorageRetries", "TransactionsPerUser"],
        ["webhookevents"] = ["EnqueuedUtc", "NextAttemptUtc", "DeliveredUtc", "Attempts", "LastStatusCode", "LastError", "ClaimedBy", "ClaimedGeneration", "ClaimedAttempt", "State"],
    };

    /// <summary>The tables of <paramref name="prefix"/>, by logical name.</summary>
    public static async Task<List<string>> TablesAsync(TableServiceClient service, string prefix)
    {
        var names = new List<string>();
        await foreach (var table in service.QueryAsync(TableServiceClient.CreateQueryFilter($"TableName ge {prefix} and TableName lt {prefix + "~"}")))
        {
            names.Add(table.Name[prefix.Length..]);
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public static async Task<List<string>> TakeAsync(TableServiceClient service, string prefix)
    {
        var rows = new List<string>();
        foreach (var name in await TablesAsync(service, prefix))
        {
            if (name == "apikeys")
            {
                continue; // Each test host makes its own partner key at start.
            }

            var skip = RunColumns.GetValueOrDefault(name) ?? [];
            await foreach (var row in service.GetTableClient(prefix + name).QueryAsync<TableEntity>())
            {
                if (name == "webhookevents" && row.RowKey.StartsWith("att_", StringComparison.Ordinal))
                {
                    continue; // The attempt log: times and random suffixes.
                }

                var columns = row.Where(c => c.Key is not ("Timestamp" or "odata.etag") && !skip.Contains(c.Key))
                    .OrderBy(c => c.Key, StringComparer.Ordinal)
                    .Select(c => $"{c.Key}={(c.Value is byte[] b ? Convert.ToBase64String(b) : Convert.ToString(c.Value, System.Globalization.CultureInfo.InvariantCulture))}")
                    .Select(c => name == "webhookevents" ? Duration().Replace(c, "\"durationSeconds\":*") : c); // recalculation.completed says how long the run took.
                rows.Add($"{name}|{row.PartitionKey}|{row.RowKey}|{string.Join(';', columns)}");
            }
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>Copies every table of one prefix to another, so two runs start from the very same rows (ids included).</summary>
    public static async Task CopyAsync(TableServiceClient service, string fromPrefix, string toPrefix)
    {
        foreach (var name in await TablesAsync(service, fromPrefix))
        {
            var target = service.GetTableClient(toPrefix + name);
            await target.CreateIfNotExistsAsync();
            var rows = new List<TableEntity>();
            await foreach (var row in service.GetTableClient(fromPrefix + name).QueryAsync<TableEntity>())
            {
                row.ETag = default;
                rows.Add(row);
            }

            foreach (var partition in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
            {
                foreach (var chunk in partition.Chunk(100))
                {
                    await target.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)));
                }
            }
        }
    }

    /// <summary>Equal, or a failure that shows the first differences (not two lists of thousands of rows).</summary>
    public static void AssertSame(IReadOnlyList<string> expected, IReadOnlyList<string> actual, string what)
    {
        var missing = expected.Except(actual, StringComparer.Ordinal).Take(5).ToList();
        var extra = actual.Except(expected, StringComparer.Ordinal).Take(5).ToList();
        Assert.True(
            missing.Count == 0 && extra.Count == 0 && expected.Count == actual.Count,
            $"{what}: {expected.Count} rows expected, {actual.Count} found.\nOnly in the expected run:\n  {string.Join("\n  ", missing.Select(Short))}\nOnly in this run:\n  {string.Join("\n  ", extra.Select(Short))}");
    }

    [System.Text.RegularExpressions.GeneratedRegex("\"durationSeconds\":[0-9.]+")]
    private static partial System.Text.RegularExpressions.Regex Duration();

    private static string Short(string row) => row.Length <= 400 ? row : row[..400] + "...";
}
