using System.Text.Json;
using Azure.Data.Tables;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.People;

/// <summary>A network account the person connected. <see cref="Network"/> is the stored network name, so a Facebook
/// page ("facebookpage") is a connection of its own, separate from the personal profile ("facebook").</summary>
public sealed record Connection(string Network, string Account, DateTimeOffset ConnectedUtc);

/// <summary>A network the person disconnected, kept for 30 days so the explanation can say why the score moved.</summary>
public sealed record Disconnection(string Network, DateTimeOffset DisconnectedUtc);

/// <summary>
/// A person's choices: whether they opted in, and which network accounts they connected. Kept on their own row of
/// table "signals" (PK = shard, RK = user id), so ingestion (which reads the row anyway) and the nightly run (which
/// queries the partition anyway) see them without one more storage call (docs/decisions/0007). Only an opted-in
/// person has a row; anyone else exists only as anonymous engagement inside other people's rows.
/// </summary>
public sealed record Account(string UserId, DateTimeOffset? OptedInUtc, IReadOnlyList<Connection> Connections, IReadOnlyList<Disconnection> Disconnections)
{
    public const string OptedInColumn = "OptedInUtc";
    public const string ConnectionsColumn = "Connections";
    public const string DisconnectionsColumn = "Disconnections";

    /// <summary>The connected network names, comma-separated: what the nightly run reads per user without parsing JSON.</summary>
    public const string NetworksColumn = "Networks";

    public static readonly TimeSpan DisconnectionMemory = TimeSpan.FromDays(30);

    /// <summary>The columns a caller reads to know someone's choices (a point read's select).</summary>
    public static readonly IReadOnlyList<string> Columns = [OptedInColumn, ConnectionsColumn, DisconnectionsColumn, NetworksColumn];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool OptedIn => OptedInUtc is not null;

    /// <summary>Scored, listed and looked up only when opted in with at least one connected network.</summary>
    public bool Eligible => OptedIn && Connections.Count > 0;

    public bool IsConnected(string network) => Connections.Any(c => c.Network == network);

    public static Account None(string userId) => new(userId, null, [], []);

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

    public void WriteTo(TableEntity row, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(row);
        row[OptedInColumn] = OptedInUtc;
        row[ConnectionsColumn] = JsonSerializer.Serialize(Connections, Json);
        row[DisconnectionsColumn] = JsonSerializer.Serialize(Disconnections.Where(d => now - d.DisconnectedUtc < DisconnectionMemory), Json);
        row[NetworksColumn] = string.Join(',', Connections.Select(c => c.Network).Order(StringComparer.Ordinal));
    }

    /// <summary>A new row for an opted-in person (demo seeding, imports and tests enrol people this way).</summary>
    public static TableEntity NewRow(string shardKey, string userId, DateTimeOffset optedInUtc, IEnumerable<Connection> connections)
    {
        var row = new TableEntity(shardKey, userId);
        new Account(userId, optedInUtc, connections.ToList(), []).WriteTo(row, optedInUtc);
        return row;
    }

    private static List<T> Parse<T>(string? json) =>
        json is { Length: > 0 } ? JsonSerializer.Deserialize<List<T>>(json, Json) ?? [] : [];
}

/// <summary>The networks a person can connect and how a request names them.</summary>
public static class ConnectableNetworks
{
    public const string Profile = "profile";
    public const string Page = "page";

    /// <summary>Networks whose pages are separate connections, and the stored network name of the page.</summary>
    private static readonly Dictionary<string, string> PageNetworks = new(StringComparer.Ordinal) { ["facebook"] = "facebookpage" };

    /// <summary>The stored network for (network, kind), or the reason it is refused.</summary>
    public static (string? Network, string? Error) Resolve(string? network, string? kind)
    {
        kind ??= Profile;
        if (kind is not (Profile or Page))
        {
            return (null, $"kind must be '{Profile}' or '{Page}'.");
        }

        if (!Networks.IsKnown(network) || network!.EndsWith("page", StringComparison.Ordinal))
        {
            return (null, $"Unknown network '{network}'. Known: {string.Join(", ", Networks.All.Where(n => !n.EndsWith("page", StringComparison.Ordinal)))}.");
        }

        if (kind == Page)
        {
            return PageNetworks.TryGetValue(network, out var page) ? (page, null) : (null, $"{network} has no pages to connect; connect the profile.");
        }

        return (network, null);
    }

    /// <summary>An account handle or id as stored and indexed: trimmed, without a leading '@', lower case. Null when not acceptable.</summary>
    public static string? NormalizeAccount(string? account)
    {
        var value = account?.Trim().TrimStart('@').ToLowerInvariant();
        if (string.IsNullOrEmpty(value) || value.Length > 100)
        {
            return null;
        }

        return value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@' or ':') ? value : null;
    }
}
