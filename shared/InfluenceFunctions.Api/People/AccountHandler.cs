using InfluenceFunctions.Api.Auth;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.People;
using InfluenceFunctions.Storage.People;
using InfluenceFunctions.Workflows.People;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;

namespace InfluenceFunctions.Api.People;

/// <summary>
/// A person's own account, under /v1/users/{userId}/account: opt in, connect and disconnect networks, export
/// everything, erase everything. Every route is the person's own (bearer token for that user: 401 without, 403 for
/// another user). Refusals write nothing: 400 for a malformed body or an unknown network, 409 for an account that
/// another person connected (or a network already connected to another account), 404 for what is not there.
/// </summary>
public sealed class AccountHandler(AccountStore accounts, AccountExport export, ErasureService erasure, UserTokenValidator tokens)
{
    /// <summary>The connection's body.</summary>
    public static readonly JsonBody<ConnectRequest> Body = new(
        "A connection body", 2048, "{\"network\": \"facebook\", \"kind\": \"profile\" or \"page\", \"account\": \"handle or id\"}");

    public async Task<Results<Ok<AccountView>, UserProblem>> GetAsync(string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (await UserProblems.RequireSelfAsync(tokens, request, userId) is { } refusal)
        {
            return refusal;
        }

        return TypedResults.Ok(AccountView.Of(await accounts.GetAsync(userId, cancellationToken)));
    }

    public async Task<Results<Created<AccountView>, Ok<AccountView>, UserProblem>> OptInAsync(string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (await UserProblems.RequireSelfAsync(tokens, request, userId) is { } refusal)
        {
            return refusal;
        }

        var (account, created) = await accounts.OptInAsync(userId, cancellationToken);
        return created ? TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(userId)}/account", AccountView.Of(account)) : TypedResults.Ok(AccountView.Of(account));
    }

    public async Task<Results<Created<AccountView>, Ok<AccountView>, ValidationProblem, UserProblem, BodyProblem, ConflictProblem>> ConnectAsync(string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (await UserProblems.RequireSelfAsync(tokens, request, userId) is { } refusal)
        {
            return refusal;
        }

        return await Body.ReadAsync(request, input => ConnectAsync(userId, input, cancellationToken), refused => refused, cancellationToken);
    }

    private async Task<Results<Created<AccountView>, Ok<AccountView>, ValidationProblem, UserProblem, BodyProblem, ConflictProblem>> ConnectAsync(
        string userId, ConnectRequest input, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var (network, networkError) = ConnectableNetworks.Resolve(input.Network, input.Kind);
        if (networkError is not null)
        {
            errors[ConnectableNetworks.IsKind(input.Kind) ? "network" : "kind"] = [networkError];
        }

        var handle = ConnectableNetworks.NormalizeAccount(input.Account);
        if (handle is null)
        {
            errors["account"] = ["The account handle or id is required: 1 to 100 letters, digits, '.', '_', '-', '@' or ':'."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid("The connection is not valid.", errors);
        }

        var (outcome, account) = await accounts.ConnectAsync(userId, network!, handle!, cancellationToken);
        return outcome switch
        {
            ConnectOutcome.Connected => TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(userId)}/account/connections/{network}", AccountView.Of(account)),
            ConnectOutcome.AlreadyConnected => TypedResults.Ok(AccountView.Of(account)),
            ConnectOutcome.NotOptedIn => Problems.Conflict($"Opt in first (PUT /api/v1/users/{userId}/account): nothing is connected or stored for a person who has not."),
            ConnectOutcome.NetworkTaken => Problems.Conflict($"Another {network} account is connected; disconnect it first (DELETE .../account/connections/{network})."),
            _ => Problems.Conflict($"The {network} account '{handle}' is connected to another person."),
        };
    }

    public async Task<Results<Ok<AccountView>, ValidationProblem, UserProblem, NotFoundProblem>> DisconnectAsync(string userId, string connectionId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (await UserProblems.RequireSelfAsync(tokens, request, userId) is { } refusal)
        {
            return refusal;
        }

        if (!Networks.IsKnown(connectionId))
        {
            return Problems.Invalid("connectionId", $"Unknown network '{connectionId}'. A connection id is its network: {string.Join(", ", Networks.All)}.");
        }

        var (outcome, account) = await accounts.DisconnectAsync(userId, connectionId, cancellationToken);
        return outcome == DisconnectOutcome.Disconnected
            ? TypedResults.Ok(AccountView.Of(account))
            : Problems.NotFound($"No {connectionId} account is connected.");
    }

    /// <summary>GET: everything stored about the person, as one JSON document (docs/people-in-control.md).</summary>
    public Task<Results<Ok<object>, UserProblem, NotFoundProblem>> ExportAsync(string userId, HttpRequest request, CancellationToken cancellationToken) =>
        FindAsync(
            userId,
            request,
            () => export.BuildAsync(userId, cancellationToken),
            document => TypedResults.Ok(document),
            "Nothing is stored about this person: they have not opted in (or were erased).");

    public Task<Results<Accepted<ErasureStatus>, UserProblem, NotFoundProblem>> EraseAsync(string userId, HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken) =>
        FindAsync(
            userId,
            request,
            () => erasure.RequestAsync(userId, client, cancellationToken),
            status => TypedResults.Accepted($"/api/v1/users/{Uri.EscapeDataString(userId)}/account/erasure", status),
            "Nothing is stored about this person: they have not opted in.");

    public Task<Results<Ok<ErasureStatus>, UserProblem, NotFoundProblem>> GetErasureAsync(string userId, HttpRequest request, CancellationToken cancellationToken) =>
        FindAsync(userId, request, () => erasure.StatusAsync(userId, cancellationToken), status => TypedResults.Ok(status), "No erasure was requested for this person.");

    /// <summary>The person's own request (else 401/403), then what <paramref name="read"/> finds, or 404 with <paramref name="notFound"/>.</summary>
    private async Task<Results<TResult, UserProblem, NotFoundProblem>> FindAsync<T, TResult>(
        string userId, HttpRequest request, Func<Task<T?>> read, Func<T, TResult> answer, string notFound)
        where T : class
        where TResult : IResult
    {
        if (await UserProblems.RequireSelfAsync(tokens, request, userId) is { } refusal)
        {
            return refusal;
        }

        return await read() is { } found ? answer(found) : Problems.NotFound(notFound);
    }
}

public sealed record ConnectRequest(string? Network, string? Account, string? Kind = null);

/// <summary>A person's account: opted in or not, scored or not, the networks connected and those recently disconnected.</summary>
public sealed record AccountView(string UserId, bool OptedIn, DateTimeOffset? OptedInUtc, bool Scored, IReadOnlyList<ConnectionView> Connections, IReadOnlyList<Disconnection> RecentlyDisconnected)
{
    public static AccountView Of(Account account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(account.UserId, account.OptedIn, account.OptedInUtc, account.Eligible, account.Connections.Select(ConnectionView.Of).ToList(), account.Disconnections);
    }
}

/// <summary>A connected network; its id is its stored network name ("facebookpage" for a Facebook page).</summary>
public sealed record ConnectionView(string Id, string Network, string Account, DateTimeOffset ConnectedUtc)
{
    public static ConnectionView Of(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return new(connection.Network, connection.Network, connection.Account, connection.ConnectedUtc);
    }
}
