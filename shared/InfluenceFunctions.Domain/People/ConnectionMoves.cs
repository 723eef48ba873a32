using System.Globalization;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Domain.People;

/// <summary>
/// Says in the explanation that a score moved because the person connected or disconnected a network. The model
/// reports a network that appeared or disappeared as the move "{network}.connected"; this names the person's own
/// action when there was one. Reads the connections (JSON) only for the few users with such a move.
/// </summary>
public static class ConnectionMoves
{
    private const string Suffix = ".connected";

    /// <param name="readAccount">Reads the person's account; called only when a network appeared or disappeared.</param>
    public static ScoreResult Describe(ScoreResult result, Func<Account> readAccount)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(readAccount);
        if (!result.Moves.Any(m => m.Driver.EndsWith(Suffix, StringComparison.Ordinal)))
        {
            return result;
        }

        var account = readAccount();
        return result with { Moves = result.Moves.Select(m => Describe(m, account)).ToList() };
    }

    private static ScoreMove Describe(ScoreMove move, Account account)
    {
        if (!move.Driver.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return move;
        }

        var network = move.Driver[..^Suffix.Length];
        if (move.Points > 0 && account.Connections.FirstOrDefault(c => c.Network == network) is { } connection)
        {
            return move with { Description = $"you connected {network} (@{connection.Account}) on {connection.ConnectedUtc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}" };
        }

        if (move.Points <= 0 && account.Disconnections.FirstOrDefault(d => d.Network == network) is { } gone)
        {
            return move with { Description = $"you disconnected {network} on {gone.DisconnectedUtc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}" };
        }

        return move;
    }
}
