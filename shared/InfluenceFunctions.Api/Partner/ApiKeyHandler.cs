using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage.Partner;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InfluenceFunctions.Api.Partner;

/// <summary>Admin endpoints for partner keys: create (the key is in the answer once, never again), list, revoke.</summary>
public sealed class ApiKeyHandler(ApiKeyStore keys)
{
    public const int MaxNameLength = 100;

    /// <summary>The key request's body.</summary>
    public static readonly JsonBody<CreateKeyRequest> Body = new("A key request", 16 * 1024, "{\"name\": \"...\", \"requestsPerMinute\": 600, \"requestsPerDay\": 100000}");

    /// <summary>POST {"name": "...", "requestsPerMinute": 600, "requestsPerDay": 100000} (quotas optional).</summary>
    public Task<Results<Created<CreatedKeyView>, ValidationProblem, BodyProblem>> CreateAsync(HttpRequest request, CancellationToken cancellationToken) =>
        Body.ReadAsync(request, input => CreateAsync(request, input, cancellationToken), refused => refused, cancellationToken);

    private async Task<Results<Created<CreatedKeyView>, ValidationProblem, BodyProblem>> CreateAsync(HttpRequest request, CreateKeyRequest input, CancellationToken cancellationToken)
    {
        if (PartnerInput.UnknownQuery(request) is { } queryProblem)
        {
            return queryProblem;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Length > MaxNameLength || input.Name.Any(char.IsControl))
        {
            errors["name"] = [$"Give the key a name: 1 to {MaxNameLength} characters, no control characters."];
        }

        if (input.RequestsPerMinute is < 1 or > 1_000_000)
        {
            errors["requestsPerMinute"] = ["Between 1 and 1,000,000."];
        }

        if (input.RequestsPerDay is < 1 or > 100_000_000)
        {
            errors["requestsPerDay"] = ["Between 1 and 100,000,000."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid("The key request was rejected; no key was made.", errors);
        }

        var (row, key) = await keys.CreateAsync(input.Name!.Trim(), input.RequestsPerMinute, input.RequestsPerDay, cancellationToken);
        return TypedResults.Created((string?)null, new CreatedKeyView(row.KeyId, key, row.Name, row.RequestsPerMinute, row.RequestsPerDay, row.CreatedUtc,
            $"Keep this key now: it is shown only once. Send it in the {PartnerGate.KeyHeader} header."));
    }

    public async Task<Results<Ok<KeyListView>, ValidationProblem>> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (PartnerInput.UnknownQuery(request) is { } queryProblem)
        {
            return queryProblem;
        }

        var rows = await keys.ListAsync(cancellationToken);
        return TypedResults.Ok(new KeyListView(rows.Select(View).ToList()));
    }

    public async Task<Results<Ok<KeyView>, ValidationProblem, NotFoundProblem>> RevokeAsync(string keyId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (PartnerInput.UnknownQuery(request) is { } queryProblem)
        {
            return queryProblem;
        }

        var row = await keys.RevokeAsync(keyId, cancellationToken);
        return row is null ? Problems.NotFound($"No key '{PartnerInput.Printable(keyId)}'.") : TypedResults.Ok(View(row));
    }

    private static KeyView View(ApiKeyEntity row) =>
        new(row.KeyId, row.Name, row.RequestsPerMinute, row.RequestsPerDay, row.CreatedUtc, row.RevokedUtc, row.RevokedUtc is null ? KeyStatus.Active : KeyStatus.Revoked);
}

/// <summary>A key request: a name, and quotas that default to the partner defaults when left out.</summary>
public sealed record CreateKeyRequest(string? Name, int? RequestsPerMinute = null, int? RequestsPerDay = null);

public sealed record CreatedKeyView(string KeyId, string Key, string Name, int RequestsPerMinute, int RequestsPerDay, DateTimeOffset CreatedUtc, string Note);

public sealed record KeyView(string KeyId, string Name, int RequestsPerMinute, int RequestsPerDay, DateTimeOffset CreatedUtc, DateTimeOffset? RevokedUtc, KeyStatus Status);

public sealed record KeyListView(IReadOnlyList<KeyView> Keys);

/// <summary>Whether a key still opens the gate.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(KebabCaseEnumConverter<KeyStatus>))]
public enum KeyStatus
{
    Active,
    Revoked,
}
