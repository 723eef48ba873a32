using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.People;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Storage.People;

public enum ConnectOutcome
{
    Connected,
    AlreadyConnected,
    NotOptedIn,
    NetworkTaken,
    AccountTaken,
}

public enum DisconnectOutcome
{
    Disconnected,
    NotConnected,
}

/// <summary>
/// Opt-in, connect and disconnect. Every change is a read of the person's row and a write with its ETag (ingestion
/// writes the same row the same way), retried when someone else wrote in between. A connection is claimed in table
/// "connections" before the person's row lists it, and the claim is released if that write fails, so a refused or
/// failed request leaves nothing behind. A claim whose holder's row does not list it (a crash between the two
/// writes) is stale, and the next person to connect that account takes it over.
/// </summary>
public sealed class AccountStore(InfluenceTables tables, IOptions<InfluenceOptions> options, TimeProvider clock)
{
    private const int MaxConcurrencyRetries = 8;

    private string ShardOf(string userId) => Shards.KeyOf(userId, options.Value.ShardCount);

    public async Task<Account> GetAsync(string userId, CancellationToken cancellationToken)
    {
        // A point read with a select returns only the selected columns, not the row key: the id is the one asked for.
        var response = await tables.Signals.GetEntityIfExistsAsync<TableEntity>(ShardOf(userId), userId, AccountRows.Columns, cancellationToken);
        return response.HasValue ? AccountRows.Read(response.Value!) with { UserId = userId } : Account.None(userId);
    }

    /// <summary>Opts the person in (creating their row). True when this call did it, false when they already were.</summary>
    public async Task<(Account Account, bool Created)> OptInAsync(string userId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await tables.Signals.GetEntityIfExistsAsync<TableEntity>(ShardOf(userId), userId, cancellationToken: cancellationToken);
            if (response.HasValue && AccountRows.Read(response.Value!) is { OptedIn: true } existing)
            {
                return (existing, false);
            }

            var now = clock.GetUtcNow();
            var row = response.HasValue ? response.Value! : new TableEntity(ShardOf(userId), userId);
            var account = (response.HasValue ? AccountRows.Read(row) : Account.None(userId)) with { OptedInUtc = now };
            AccountRows.Write(account, row, now);
            try
            {
                await (response.HasValue
                    ? tables.Signals.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken)
                    : tables.Signals.AddEntityAsync(row, cancellationToken));
                return (account, true);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412 && attempt < MaxConcurrencyRetries)
            {
                // Written meanwhile: read again.
            }
        }
    }

    public async Task<(ConnectOutcome Outcome, Account Account)> ConnectAsync(string userId, string network, string accountHandle, CancellationToken cancellationToken)
    {
        var current = await GetAsync(userId, cancellationToken);
        if (!current.OptedIn)
        {
            return (ConnectOutcome.NotOptedIn, current);
        }

        if (current.Connections.FirstOrDefault(c => c.Network == network) is { } held)
        {
            return (held.Account == accountHandle ? ConnectOutcome.AlreadyConnected : ConnectOutcome.NetworkTaken, current);
        }

        if (!await ClaimAsync(userId, network, accountHandle, cancellationToken))
        {
            return (ConnectOutcome.AccountTaken, current);
        }

        try
        {
            var (outcome, account) = await ChangeAsync(userId, ConnectOutcome.NotOptedIn, (account, now) =>
            {
                if (account.Connections.FirstOrDefault(c => c.Network == network) is { } other)
                {
                    return other.Account == accountHandle ? (ConnectOutcome.AlreadyConnected, null) : (ConnectOutcome.NetworkTaken, null);
                }

                return (ConnectOutcome.Connected, account with
                {
                    Connections = [.. account.Connections, new Connection(network, accountHandle, now)],
                    Disconnections = account.Disconnections.Where(d => d.Network != network).ToList(),
                });
            }, removeColumns: [], cancellationToken);
            if (outcome is not (ConnectOutcome.Connected or ConnectOutcome.AlreadyConnected))
            {
                await ReleaseAsync(userId, network, accountHandle, cancellationToken);
            }

            return (outcome, account);
        }
        catch
        {
            await ReleaseAsync(userId, network, accountHandle, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Disconnects a network: it leaves the person's connections and its stored signals are deleted with it.</summary>
    public async Task<(DisconnectOutcome Outcome, Account Account)> DisconnectAsync(string userId, string network, CancellationToken cancellationToken)
    {
        string? handle = null;
        var (outcome, account) = await ChangeAsync(userId, DisconnectOutcome.NotConnected, (account, now) =>
        {
            if (account.Connections.FirstOrDefault(c => c.Network == network) is not { } connection)
            {
                return (DisconnectOutcome.NotConnected, null);
            }

            handle = connection.Account;
            return (DisconnectOutcome.Disconnected, account with
            {
                Connections = account.Connections.Where(c => c.Network != network).ToList(),
                Disconnections = [.. account.Disconnections.Where(d => d.Network != network), new Disconnection(network, now)],
            });
        }, removeColumns: SignalRows.NetworkColumns(network), cancellationToken);
        if (outcome == DisconnectOutcome.Disconnected && handle is not null)
        {
            await ReleaseAsync(userId, network, handle, cancellationToken);
        }

        return (outcome, account);
    }

    /// <summary>Removes a claim if <paramref name="userId"/> holds it (a claim someone else holds is theirs).</summary>
    public async Task ReleaseAsync(string userId, string network, string accountHandle, CancellationToken cancellationToken)
    {
        var claim = await tables.Connections.GetEntityIfExistsAsync<TableEntity>(network, accountHandle, cancellationToken: cancellationToken);
        if (claim.HasValue && claim.Value!.GetString("UserId") == userId)
        {
            try
            {
                await tables.Connections.DeleteEntityAsync(network, accountHandle, claim.Value.ETag, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Gone or taken over meanwhile.
            }
        }
    }

    private async Task<bool> ClaimAsync(string userId, string network, string accountHandle, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxConcurrencyRetries; attempt++)
        {
            var existing = await tables.Connections.GetEntityIfExistsAsync<TableEntity>(network, accountHandle, cancellationToken: cancellationToken);
            var claim = new TableEntity(network, accountHandle) { ["UserId"] = userId, ["ClaimedUtc"] = clock.GetUtcNow() };
            try
            {
                if (!existing.HasValue)
                {
                    await tables.Connections.AddEntityAsync(claim, cancellationToken);
                    return true;
                }

                var holder = existing.Value!.GetString("UserId");
                if (holder == userId)
                {
                    return true;
                }

                if ((await GetAsync(holder, cancellationToken)).Connections.Any(c => c.Network == network && c.Account == accountHandle))
                {
                    return false;
                }

                await tables.Connections.UpdateEntityAsync(claim, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken); // A stale claim.
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Claimed meanwhile: look again.
            }
        }

        return false;
    }

    private async Task<(T Outcome, Account Account)> ChangeAsync<T>(string userId, T whenNoRow, Func<Account, DateTimeOffset, (T Outcome, Account? Changed)> change, IReadOnlyList<string> removeColumns, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await tables.Signals.GetEntityIfExistsAsync<TableEntity>(ShardOf(userId), userId, cancellationToken: cancellationToken);
            if (!response.HasValue)
            {
                return (whenNoRow, Account.None(userId));
            }

            var row = response.Value!;
            var now = clock.GetUtcNow();
            var (outcome, changed) = change(AccountRows.Read(row), now);
            if (changed is null)
            {
                return (outcome, AccountRows.Read(row));
            }

            AccountRows.Write(changed, row, now);
            foreach (var column in removeColumns)
            {
                row.Remove(column);
            }

            try
            {
                await tables.Signals.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                return (outcome, changed);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412 && attempt < MaxConcurrencyRetries)
            {
                // Written meanwhile (ingestion, another request): read again and redo.
            }
        }
    }
}
