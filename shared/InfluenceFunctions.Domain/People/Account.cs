
namespace InfluenceFunctions.Domain.People;

/// <summary>A network account the person connected. <see cref="Network"/> is the stored network name, so a Facebook
/// page ("facebookpage") is a connection of its own, separate from the personal profile ("facebook").</summary>
public sealed record Connection(string Network, string Account, DateTimeOffset ConnectedUtc);

/// <summary>A network the person disconnected, kept for 30 days so the explanation can say why the score moved.</summary>
public sealed record Disconnection(string Network, DateTimeOffset DisconnectedUtc);

/// <summary>
/// A person's choices: whether they opted in, and which network accounts they connected. Kept on their own row of
/// the signals row (see Storage.People.AccountRows), so ingestion and the nightly run see them without one more
/// storage call (docs/decisions/0008). Only an opted-in
/// person has a row; anyone else exists only as anonymous engagement inside other people's rows.
/// </summary>
public sealed record Account(string UserId, DateTimeOffset? OptedInUtc, IReadOnlyList<Connection> Connections, IReadOnlyList<Disconnection> Disconnections)
{
    public static readonly TimeSpan DisconnectionMemory = TimeSpan.FromDays(30);

    public bool OptedIn => OptedInUtc is not null;

    /// <summary>Scored, listed and looked up only when opted in with at least one connected network.</summary>
    public bool Eligible => OptedIn && Connections.Count > 0;

    public bool IsConnected(string network) => Connections.Any(c => c.Network == network);

    public static Account None(string userId) => new(userId, null, [], []);

    /// <summary>The disconnections still worth explaining at <paramref name="now"/> (older ones are forgotten).</summary>
    public IEnumerable<Disconnection> RecentDisconnections(DateTimeOffset now) => Disconnections.Where(d => now - d.DisconnectedUtc < DisconnectionMemory);
}

/// <summary>What a connection is on its network: the person's own profile, or a page they run.</summary>
public enum ConnectionKind
{
    Profile,
    Page,
}

/// <summary>The networks a person can connect and how a request names them.</summary>
public static class ConnectableNetworks
{
    /// <summary>Networks whose pages are separate connections, and the stored network name of the page.</summary>
    private static readonly Dictionary<string, string> PageNetworks = new(StringComparer.Ordinal) { ["facebook"] = "facebookpage" };

    /// <summary>Whether a request's "kind" names a <see cref="ConnectionKind"/> ("profile" or "page"; absent means profile).</summary>
    public static bool IsKind(string? kind) => kind is null || Enum.GetValues<ConnectionKind>().Any(k => StoredNames.Of(k) == kind);

    /// <summary>The stored network for (network, kind), or the reason it is refused.</summary>
    public static (string? Network, string? Error) Resolve(string? network, string? kind)
    {
        if (!IsKind(kind))
        {
            return (null, $"kind must be '{StoredNames.Of(ConnectionKind.Profile)}' or '{StoredNames.Of(ConnectionKind.Page)}'.");
        }

        if (!Networks.IsKnown(network) || network!.EndsWith("page", StringComparison.Ordinal))
        {
            return (null, $"Unknown network '{network}'. Known: {string.Join(", ", Networks.All.Where(n => !n.EndsWith("page", StringComparison.Ordinal)))}.");
        }

        if (StoredNames.Parse(kind, ConnectionKind.Profile) == ConnectionKind.Page)
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
