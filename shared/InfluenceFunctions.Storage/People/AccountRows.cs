using System.Text.Json;
using Azure.Data.Tables;
using InfluenceFunctions.Domain.People;

namespace InfluenceFunctions.Storage.People;

/// <summary>
/// A person's <see cref="Account"/> as kept on their own row of table "signals" (PK = shard, RK = user id): ingestion
/// reads that row anyway and the nightly run queries its partition anyway, so consent costs no extra storage call
/// (docs/decisions/0008). Only an opted-in person has a row.
/// </summary>
public static class AccountRows
{
    public const string OptedInColumn = "OptedInUtc";
    public const string ConnectionsColumn = "Connections";
    public const string DisconnectionsColumn = "Disconnections";

    /// <summary>The connected network names, comma-separated: what the nightly run reads per user without parsing JSON.</summary>
    public const string NetworksColumn = "Networks";

    /// <summary>The columns a caller reads to know someone's choices (a point read's select).</summary>
    public static readonly IReadOnlyList<string> Columns = [OptedInColumn, ConnectionsColumn, DisconnectionsColumn, NetworksColumn];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Account Read(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new Account(
            row.RowKey,
            row.GetDateTimeOffset(OptedInColumn),
            Parse<Connection>(row.GetString(ConnectionsColumn)),
            Parse<Disconnection>(row.GetString(DisconnectionsColumn)));
    }

    /// <summary>Whether the row's owner is eligible, and their connected networks, without parsing JSON (the nightly hot path).</summary>
    public static (bool Eligible, string[] Networks) Quick(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var networks = row.GetString(NetworksColumn) is { Length: > 0 } list ? list.Split(',') : [];
        return (row.ContainsKey(OptedInColumn) && networks.Length > 0, networks);
    }

    public static void Write(Account account, TableEntity row, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(row);
        row[OptedInColumn] = account.OptedInUtc;
        row[ConnectionsColumn] = JsonSerializer.Serialize(account.Connections, Json);
        row[DisconnectionsColumn] = JsonSerializer.Serialize(account.RecentDisconnections(now), Json);
        row[NetworksColumn] = string.Join(',', account.Connections.Select(c => c.Network).Order(StringComparer.Ordinal));
    }

    /// <summary>A new row for an opted-in person (demo seeding, imports and tests enrol people this way).</summary>
    public static TableEntity NewRow(string shardKey, string userId, DateTimeOffset optedInUtc, IEnumerable<Connection> connections)
    {
        var row = new TableEntity(shardKey, userId);
        Write(new Account(userId, optedInUtc, connections.ToList(), []), row, optedInUtc);
        return row;
    }

    private static List<T> Parse<T>(string? json) =>
        json is { Length: > 0 } ? JsonSerializer.Deserialize<List<T>>(json, Json) ?? [] : [];
}
