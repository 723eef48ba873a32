using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;

namespace InfluenceFunctions.Api.Partner;

/// <summary>Admin endpoints for partner keys: create (the key is in the answer once, never again), list, revoke.</summary>
public sealed class ApiKeyHandler(ApiKeyStore keys)
{
    public const int MaxNameLength = 100;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>POST {"name": "...", "requestsPerMinute": 600, "requestsPerDay": 100000} (quotas optional).</summary>
    public async Task<IResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (PartnerInput.UnknownQuery(request) is { } queryProblem)
        {
            return queryProblem;
        }

        if (!request.HasJsonContentType())
        {
            return PartnerProblems.UnsupportedMediaType("Send the body as application/json: {\"name\": \"...\"}.");
        }

        if (request.ContentLength > 16 * 1024)
        {
            return Problems.TooLarge("A key request is at most 16 KiB.");
        }

        CreateKeyRequest? input;
        try
        {
            input = await JsonSerializer.DeserializeAsync<CreateKeyRequest>(request.Body, Json, cancellationToken);
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            return Problems.Invalid(field, "Malformed JSON, or a value of the wrong type: send {\"name\": \"...\", \"requestsPerMinute\": 600, \"requestsPerDay\": 100000}.");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(input?.Name) || input.Name.Length > MaxNameLength || input.Name.Any(char.IsControl))
        {
            errors["name"] = [$"Give the key a name: 1 to {MaxNameLength} characters, no control characters."];
        }

        if (input?.RequestsPerMinute is < 1 or > 1_000_000)
        {
            errors["requestsPerMinute"] = ["Between 1 and 1,000,000."];
        }

        if (input?.RequestsPerDay is < 1 or > 100_000_000)
        {
            errors["requestsPerDay"] = ["Between 1 and 100,000,000."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid("The key request was rejected; no key was made.", errors);
        }

        var (row, key) = await keys.CreateAsync(input!.Name!.Trim(), input.RequestsPerMinute, input.RequestsPerDay, cancellationToken);
        return TypedResults.Created((string?)null, new CreatedKeyView(row.KeyId, key, row.Name, row.RequestsPerMinute, row.RequestsPerDay, row.CreatedUtc,
            $"Keep this key now: it is shown only once. Send it in the {PartnerGate.KeyHeader} header."));
    }

    public async Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (PartnerInput.UnknownQuery(request) is { } queryProblem)
        {
            return queryProblem;
        }

        var rows = await keys.ListAsync(cancellationToken);
        return TypedResults.Ok(new { keys = rows.Select(View).ToList() });
    }

    public async Task<IResult> RevokeAsync(string keyId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (PartnerInput.UnknownQuery(request) is { } queryProblem)
        {
            return queryProblem;
        }

        var row = await keys.RevokeAsync(keyId, cancellationToken);
        return row is null ? Problems.NotFound($"No key '{PartnerInput.Printable(keyId)}'.") : TypedResults.Ok(View(row));
    }

    private static KeyView View(ApiKeyEntity row) =>
        new(row.KeyId, row.Name, row.RequestsPerMinute, row.RequestsPerDay, row.CreatedUtc, row.RevokedUtc, row.RevokedUtc is null ? "active" : "revoked");
}

public sealed record CreateKeyRequest(string? Name, int? RequestsPerMinute, int? RequestsPerDay);

public sealed record CreatedKeyView(string KeyId, string Key, string Name, int RequestsPerMinute, int RequestsPerDay, DateTimeOffset CreatedUtc, string Note);

public sealed record KeyView(string KeyId, string Name, int RequestsPerMinute, int RequestsPerDay, DateTimeOffset CreatedUtc, DateTimeOffset? RevokedUtc, string Status);
