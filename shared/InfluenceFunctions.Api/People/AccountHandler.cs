using System.Text.Json.Serialization;
using System.Text.Json;
using InfluenceFunctions.Api.Auth;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Domain.People;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage.Ingestion;
using InfluenceFunctions.Storage.People;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.People;
using Microsoft.AspNetCore.Http;
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
    private const long MaxBodyBytes = 2048;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public async Task<IResult> GetAsync(string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(userId, request) is { } refusal)
        {
            return refusal;
        }

        return TypedResults.Ok(View(await accounts.GetAsync(userId, cancellationToken)));
    }

    public async Task<IResult> OptInAsync(string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(userId, request) is { } refusal)
        {
            return refusal;
        }

        var (account, created) = await accounts.OptInAsync(userId, cancellationToken);
        return created ? TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(userId)}/account", View(account)) : TypedResults.Ok(View(account));
    }

    public async Task<IResult> ConnectAsync(string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(userId, request) is { } refusal)
        {
            return refusal;
        }

        var body = await RequestBodies.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.TooLarge($"A connection body is at most {MaxBodyBytes} bytes.");
        }

        ConnectRequest? input;
        try
        {
            input = JsonSerializer.Deserialize<ConnectRequest>(body, Json);
        }
        catch (JsonException e)
        {
            return Problems.Invalid(RequestBodies.FieldOf(e), "Malformed JSON: " + RequestBodies.FirstSentence(e.Message));
        }

        if (input is null)
        {
            return Problems.Invalid("body", "The body must be a JSON object {\"network\": \"facebook\", \"kind\": \"profile\" or \"page\", \"account\": \"handle or id\"}.");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var (network, networkError) = ConnectableNetworks.Resolve(input.Network, input.Kind);
        if (networkError is not null)
        {
            errors[input.Kind is null or ConnectableNetworks.Profile or ConnectableNetworks.Page ? "network" : "kind"] = [networkError];
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
            ConnectOutcome.Connected => TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(userId)}/account/connections/{network}", View(account)),
            ConnectOutcome.AlreadyConnected => TypedResults.Ok(View(account)),
            ConnectOutcome.NotOptedIn => Problems.Conflict($"Opt in first (PUT /api/v1/users/{userId}/account): nothing is connected or stored for a person who has not."),
            ConnectOutcome.NetworkTaken => Problems.Conflict($"Another {network} account is connected; disconnect it first (DELETE .../account/connections/{network})."),
            _ => Problems.Conflict($"The {network} account '{handle}' is connected to another person."),
        };
    }

    public async Task<IResult> DisconnectAsync(string userId, string connectionId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(userId, request) is { } refusal)
        {
            return refusal;
        }

        if (!Networks.IsKnown(connectionId))
        {
            return Problems.Invalid("connectionId", $"Unknown network '{connectionId}'. A connection id is its network: {string.Join(", ", Networks.All)}.");
        }

        var (outcome, account) = await accounts.DisconnectAsync(userId, connectionId, cancellationToken);
        return outcome == DisconnectOutcome.Disconnected
            ? TypedResults.Ok(View(account))
            : Problems.NotFound($"No {connectionId} account is connected.");
    }

    public async Task<IResult> ExportAsync(string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(userId, request) is { } refusal)
        {
            return refusal;
        }

        return await export.BuildAsync(userId, cancellationToken) is { } document
            ? TypedResults.Ok(document)
            : Problems.NotFound("Nothing is stored about this person: they have not opted in (or were erased).");
    }

    public async Task<IResult> EraseAsync(string userId, HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(userId, request) is { } refusal)
        {
            return refusal;
        }

        return await erasure.RequestAsync(userId, client, cancellationToken) is { } status
            ? TypedResults.Accepted($"/api/v1/users/{Uri.EscapeDataString(userId)}/account/erasure", status)
            : Problems.NotFound("Nothing is stored about this person: they have not opted in.");
    }

    public async Task<IResult> GetErasureAsync(string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(userId, request) is { } refusal)
        {
            return refusal;
        }

        return await erasure.StatusAsync(userId, cancellationToken) is { } status
            ? TypedResults.Ok(status)
            : Problems.NotFound("No erasure was requested for this person.");
    }

    private async Task<IResult?> RefuseAsync(string userId, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return IngestionValidator.ValidateUserId(userId) is { } error
            ? Problems.Invalid("userId", error)
            : await UserProblems.RequireSelfAsync(tokens, request, userId);
    }

    private static object View(Account account) => new
    {
        account.UserId,
        account.OptedIn,
        account.OptedInUtc,
        scored = account.Eligible,
        connections = account.Connections.Select(c => new { id = c.Network, c.Network, c.Account, c.ConnectedUtc }),
        recentlyDisconnected = account.Disconnections,
    };
}

public sealed record ConnectRequest(string? Network, string? Kind, string? Account);
