using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Storage.Webhooks;
using InfluenceFunctions.Workflows.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Api.Webhooks;

/// <summary>
/// The partner's webhook endpoints (behind <see cref="PartnerGate"/>: the caller's key id owns them): register (the
/// signing secret is in the answer once), list, read, pause, resume, rotate the secret, delete, read the attempt log,
/// replay an event. Bad input is a 400 naming the field, and nothing is written.
/// </summary>
public sealed partial class WebhookEndpointHandler(
    WebhookStore store,
    WebhookOutbox outbox,
    WebhookSecretProtector secrets,
    WebhookAddressPolicy policy,
    IOptions<WebhookOptions> options,
    TimeProvider clock)
{
    public const int MaxUserIds = 500;
    public const int MaxTopics = 100;
    public const int MaxTopicLength = 64;
    public const int MaxDescriptionLength = 200;
    public const int DefaultMinScoreChange = 5;

    /// <summary>The user filter is one string column: a Table string holds at most 32K characters.</summary>
    public const int MaxUserIdsJson = 30_000;

    /// <summary>The registration's body.</summary>
    public static readonly JsonBody<CreateEndpointRequest> Body = new(
        "An endpoint registration",
        64 * 1024,
        "{\"url\": \"https://...\", \"eventTypes\": [\"score.changed\"], \"filters\": {\"userIds\": [], \"topics\": [], \"minScoreChange\": 5}}");

    /// <summary>The attempt log's query parameter.</summary>
    public static readonly IReadOnlyList<ApiParameterMetadata> AttemptsQuery =
    [
        new("limit", ApiParameterPlace.Query, "How many attempts, newest first: 1 to 1000 (default 100).", "integer"),
    ];

    public Task<Results<Created<CreatedEndpointView>, ValidationProblem, BodyProblem, ConflictProblem>> CreateAsync(PartnerCaller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return Body.ReadAsync(request, input => CreateAsync(caller, request, input, cancellationToken), refused => refused, cancellationToken);
    }

    private async Task<Results<Created<CreatedEndpointView>, ValidationProblem, BodyProblem, ConflictProblem>> CreateAsync(
        PartnerCaller caller, HttpRequest request, CreateEndpointRequest input, CancellationToken cancellationToken)
    {
        if (PartnerInput.UnknownQuery(request) is { } queryProblem)
        {
            return queryProblem;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);

        var urlProblem = policy.CheckForm(input.Url, out var uri);
        if (urlProblem is not null)
        {
            errors["url"] = [urlProblem];
        }

        var types = input.EventTypes ?? [];
        if (types.Count == 0)
        {
            errors["eventTypes"] = ["Name at least one event type. Known: " + string.Join(", ", WebhookEventTypes.Names) + "."];
        }
        else if (types.Any(t => t is null || !WebhookEventTypes.IsKnown(t)))
        {
            var unknown = types.First(t => t is null || !WebhookEventTypes.IsKnown(t));
            errors["eventTypes"] = [$"Unknown event type '{PartnerInput.Printable(unknown ?? "null")}'. Known: {string.Join(", ", WebhookEventTypes.Names)}."];
        }

        var userIds = input.Filters?.UserIds ?? [];
        if (userIds.Count > MaxUserIds)
        {
            errors["filters.userIds"] = [$"At most {MaxUserIds} user ids; leave the filter out for every user."];
        }
        else if (userIds.Select((id, i) => (Error: IngestionValidator.ValidateUserId(id), Index: i)).FirstOrDefault(x => x.Error is not null) is { Error: { } userError, Index: var index })
        {
            errors[$"filters.userIds[{index}]"] = [userError];
        }

        else if (JsonSerializer.Serialize(userIds).Length > MaxUserIdsJson)
        {
            errors["filters.userIds"] = [$"The user ids add up to more than {MaxUserIdsJson:N0} characters; use fewer (or leave the filter out for every user)."];
        }

        var topics = input.Filters?.Topics ?? [];
        if (topics.Count > MaxTopics)
        {
            errors["filters.topics"] = [$"At most {MaxTopics} topics."];
        }
        else if (topics.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > MaxTopicLength || t.Any(char.IsControl)))
        {
            errors["filters.topics"] = [$"Each topic is 1 to {MaxTopicLength} characters, no control characters."];
        }

        var minChange = input.Filters?.MinScoreChange ?? DefaultMinScoreChange;
        if (minChange is < 1 or > 99)
        {
            errors["filters.minScoreChange"] = ["Between 1 and 99 points."];
        }

        if (input.Description is { } description && (description.Length > MaxDescriptionLength || description.Any(char.IsControl)))
        {
            errors["description"] = [$"At most {MaxDescriptionLength} characters, no control characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid("The endpoint was rejected; nothing was registered.", errors);
        }

        if (await policy.CheckAddressesAsync(uri!, cancellationToken) is { } addressProblem)
        {
            return Problems.Invalid("The endpoint was rejected; nothing was registered.", new Dictionary<string, string[]> { ["url"] = [addressProblem] });
        }

        await store.CreateIfNotExistsAsync(cancellationToken);
        var partnerId = caller.Key.KeyId;
        var endpointId = "ep_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        var secret = WebhookSigning.NewSecret();
        var now = clock.GetUtcNow();
        var row = new WebhookEndpointEntity(partnerId, endpointId)
        {
            Url = uri!.AbsoluteUri,
            Description = input.Description ?? string.Empty,
            EventTypes = string.Join(',', types.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
            UserIds = JsonSerializer.Serialize(userIds.Distinct(StringComparer.Ordinal).ToList()),
            Topics = JsonSerializer.Serialize(topics.Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList()),
            MinScoreChange = minChange,
            EndpointStatus = WebhookEndpointStatus.Active,
            CreatedUtc = now,
            UpdatedUtc = now,
            Secret = secrets.Protect(secret, partnerId, endpointId),
        };
        // The endpoint and a slot of the key's cap in one transaction: it exists whole or not at all, and never past the cap.
        var maxEndpoints = options.Value.MaxEndpointsPerPartner;
        switch (await store.RegisterEndpointAsync(row, maxEndpoints, cancellationToken))
        {
            case EndpointRegistration.CapReached:
                return Problems.Conflict($"This key already has {maxEndpoints} endpoints; delete one first.");
            case EndpointRegistration.Contended:
                return Problems.Conflict("This key's endpoints were registered and deleted meanwhile; nothing was registered. Retry.");
        }

        return TypedResults.Created(Location(endpointId), new CreatedEndpointView(View(row), secret, "Keep this secret now: it is shown only once. Verify the webhook-signature header with it (docs/webhooks.md)."));
    }

    public async Task<Results<Ok<EndpointListView>, ValidationProblem>> ListAsync(PartnerCaller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (PartnerInput.UnknownQuery(request) is { } queryProblem)
        {
            return queryProblem;
        }

        await store.CreateIfNotExistsAsync(cancellationToken);
        var rows = await store.ListEndpointsAsync(caller.Key.KeyId, cancellationToken);
        return TypedResults.Ok(new EndpointListView(rows.OrderBy(r => r.CreatedUtc).Select(View).ToList()));
    }

    public Task<Results<Ok<EndpointView>, ValidationProblem, NotFoundProblem, ConflictProblem>> GetAsync(PartnerCaller caller, string endpointId, HttpRequest request, CancellationToken cancellationToken) =>
        WithEndpointAsync(caller, endpointId, request, row => Task.FromResult(TypedResults.Ok(View(row))), cancellationToken);

    public Task<Results<Ok<EndpointView>, ValidationProblem, NotFoundProblem, ConflictProblem>> PauseAsync(PartnerCaller caller, string endpointId, HttpRequest request, CancellationToken cancellationToken) =>
        WithEndpointAsync(caller, endpointId, request, async row =>
        {
            row.EndpointStatus = WebhookEndpointStatus.Paused;
            row.StatusReason = "Paused by the partner; events are held until it is resumed.";
            row.UpdatedUtc = clock.GetUtcNow();
            await store.Endpoints.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
            return TypedResults.Ok(View(row));
        }, cancellationToken);

    /// <summary>Active again (from paused, disabled or failing): the URL is checked again, then held events are queued.</summary>
    public Task<Results<Results<Ok<ResumedEndpointView>, ValidationProblem>, ValidationProblem, NotFoundProblem, ConflictProblem>> ResumeAsync(
        PartnerCaller caller, string endpointId, HttpRequest request, CancellationToken cancellationToken) =>
        WithEndpointAsync<Results<Ok<ResumedEndpointView>, ValidationProblem>>(caller, endpointId, request, async row =>
        {
            if (policy.CheckForm(row.Url, out var uri) is { } formProblem)
            {
                return Problems.Invalid("url", formProblem);
            }

            if (await policy.CheckAddressesAsync(uri!, cancellationToken) is { } addressProblem)
            {
                return Problems.Invalid("url", addressProblem);
            }

            row.EndpointStatus = WebhookEndpointStatus.Active;
            row.StatusReason = string.Empty;
            row.UpdatedUtc = clock.GetUtcNow();
            await store.Endpoints.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
            var requeued = await outbox.EnqueueHeldAsync(row.EndpointId, cancellationToken);
            return TypedResults.Ok(new ResumedEndpointView(View(row), requeued));
        }, cancellationToken);

    /// <summary>A new secret (in the answer once); the old one keeps signing for the overlap, both signatures sent meanwhile.</summary>
    public Task<Results<Ok<CreatedEndpointView>, ValidationProblem, NotFoundProblem, ConflictProblem>> RotateSecretAsync(PartnerCaller caller, string endpointId, HttpRequest request, CancellationToken cancellationToken) =>
        WithEndpointAsync(caller, endpointId, request, async row =>
        {
            var now = clock.GetUtcNow();
            var secret = WebhookSigning.NewSecret();
            row.PreviousSecret = row.Secret;
            row.PreviousSecretExpiresUtc = now + options.Value.SecretRotationOverlap;
            row.Secret = secrets.Protect(secret, row.PartnerId, row.EndpointId);
            row.SecretRotatedUtc = now;
            row.UpdatedUtc = now;
            await store.Endpoints.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
            return TypedResults.Ok(new CreatedEndpointView(View(row), secret,
                $"Keep this secret now: it is shown only once. The previous secret also signs until {row.PreviousSecretExpiresUtc:O}."));
        }, cancellationToken);

    public Task<Results<NoContent, ValidationProblem, NotFoundProblem, ConflictProblem>> DeleteAsync(PartnerCaller caller, string endpointId, HttpRequest request, CancellationToken cancellationToken) =>
        WithEndpointAsync(caller, endpointId, request, async row =>
        {
            await store.DeleteEndpointAsync(row, cancellationToken); // The endpoint and its slot, in one transaction.
            return TypedResults.NoContent();
        }, cancellationToken);

    /// <summary>GET ?limit=N (1-1000, default 100): the newest attempts first.</summary>
    public Task<Results<Results<Ok<AttemptsView>, ValidationProblem>, ValidationProblem, NotFoundProblem, ConflictProblem>> AttemptsAsync(
        PartnerCaller caller, string endpointId, HttpRequest request, CancellationToken cancellationToken) =>
        WithEndpointAsync<Results<Ok<AttemptsView>, ValidationProblem>>(caller, endpointId, request, async row =>
        {
            var limit = 100;
            if (request.Query.TryGetValue("limit", out var text) && (!int.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
            {
                return Problems.Invalid("limit", "Between 1 and 1000.");
            }

            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {row.EndpointId} and RowKey ge {WebhookAttemptEntity.Prefix} and RowKey lt {"att`"}");
            var attempts = new List<AttemptView>();
            await foreach (var attempt in store.Events.QueryAsync<WebhookAttemptEntity>(filter, maxPerPage: limit, cancellationToken: cancellationToken))
            {
                attempts.Add(new AttemptView(
                    attempt.EventId,
                    attempt.Type,
                    attempt.Attempt,
                    attempt.AtUtc,
                    attempt.StatusCode == 0 ? null : attempt.StatusCode,
                    attempt.AttemptOutcome,
                    attempt.LatencyMs,
                    attempt.Error.Length == 0 ? null : attempt.Error,
                    attempt.NextAttemptUtc));
                if (attempts.Count == limit)
                {
                    break;
                }
            }

            return TypedResults.Ok(new AttemptsView(row.EndpointId, attempts));
        }, cancellationToken, AttemptsQuery);

    /// <summary>POST: sends the event again (a new first attempt), whatever its state; the webhook-id stays the same.</summary>
    public Task<Results<Results<Accepted<ReplayView>, ValidationProblem, NotFoundProblem>, ValidationProblem, NotFoundProblem, ConflictProblem>> ReplayAsync(
        PartnerCaller caller, string endpointId, string eventId, HttpRequest request, CancellationToken cancellationToken) =>
        WithEndpointAsync<Results<Accepted<ReplayView>, ValidationProblem, NotFoundProblem>>(caller, endpointId, request, async row =>
        {
            if (!WebhookEventIds.LooksValid(eventId))
            {
                return Problems.Invalid("eventId", "An event id looks like evt_yyyyMMdd_ followed by 32 hex characters.");
            }

            var found = await store.GetEventAsync(row.EndpointId, eventId, cancellationToken);
            if (found is null)
            {
                return Problems.NotFound($"No event '{eventId}' for endpoint '{row.EndpointId}'.");
            }

            await outbox.EnqueueAsync([found], WebhookEventState.Queued, cancellationToken, replay: true);
            return TypedResults.Accepted((string?)null, new ReplayView(eventId, WebhookEventState.Queued));
        }, cancellationToken);

    /// <summary>The caller's endpoint read (404 for another key's), <paramref name="action"/> run on it, 409 if it changed meanwhile.</summary>
    private async Task<Results<TResult, ValidationProblem, NotFoundProblem, ConflictProblem>> WithEndpointAsync<TResult>(
        PartnerCaller caller,
        string endpointId,
        HttpRequest request,
        Func<WebhookEndpointEntity, Task<TResult>> action,
        CancellationToken cancellationToken,
        params IReadOnlyList<ApiParameterMetadata> query)
        where TResult : IResult
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (PartnerInput.UnknownQuery(request, query) is { } queryProblem)
        {
            return queryProblem;
        }

        if (!EndpointIdPattern().IsMatch(endpointId))
        {
            return Problems.NotFound($"No endpoint '{PartnerInput.Printable(endpointId)}'.");
        }

        await store.CreateIfNotExistsAsync(cancellationToken);
        var row = await store.GetEndpointAsync(caller.Key.KeyId, endpointId, cancellationToken); // Another key's endpoint is not found either.
        if (row is null)
        {
            return Problems.NotFound($"No endpoint '{endpointId}'.");
        }

        try
        {
            return await action(row);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return Problems.Conflict("The endpoint changed meanwhile; read it again and retry.");
        }
    }

    private static string Location(string endpointId) => $"/{ApiRoutes.Prefix}/{ApiRoutes.WebhookEndpoint.Replace("{endpointId}", endpointId, StringComparison.Ordinal)}";

    private static EndpointView View(WebhookEndpointEntity row) => new(
        row.EndpointId,
        row.Url,
        row.Description,
        row.EventTypeList(),
        new EndpointFiltersView(row.UserIdList(), row.TopicList(), row.MinScoreChange),
        row.EndpointStatus,
        row.StatusReason.Length == 0 ? null : row.StatusReason,
        row.CreatedUtc,
        row.UpdatedUtc,
        row.SecretRotatedUtc,
        row.PreviousSecretExpiresUtc);

    [GeneratedRegex("^ep_[0-9a-f]{16}$", RegexOptions.CultureInvariant)]
    private static partial Regex EndpointIdPattern();
}

/// <summary>An endpoint registration; no filter means every user and topic, and a minimum change of 5 points.</summary>
public sealed record CreateEndpointRequest(string? Url, List<string>? EventTypes, EndpointFiltersRequest? Filters = null, string? Description = null);

public sealed record EndpointFiltersRequest(List<string>? UserIds = null, List<string>? Topics = null, int? MinScoreChange = null);

public sealed record EndpointFiltersView(IReadOnlyList<string> UserIds, IReadOnlyList<string> Topics, int MinScoreChange);

public sealed record EndpointView(
    string Id,
    string Url,
    string Description,
    IReadOnlyList<string> EventTypes,
    EndpointFiltersView Filters,
    WebhookEndpointStatus Status,
    string? StatusReason,
    DateTimeOffset CreatedUtc,
    DateTimeOffset UpdatedUtc,
    DateTimeOffset? SecretRotatedUtc,
    DateTimeOffset? PreviousSecretExpiresUtc);

public sealed record CreatedEndpointView(EndpointView Endpoint, string Secret, string Note);

public sealed record EndpointListView(IReadOnlyList<EndpointView> Endpoints);

/// <summary>The endpoint, active again, and how many held events were queued.</summary>
public sealed record ResumedEndpointView(EndpointView Endpoint, int HeldEventsQueued);

/// <summary>One delivery attempt: the receiver's status (null when there was no answer), the outcome, and when the next one is due.</summary>
public sealed record AttemptView(
    string EventId,
    string Type,
    int Attempt,
    DateTimeOffset AtUtc,
    int? StatusCode,
    WebhookAttemptOutcome Outcome,
    double LatencyMs,
    string? Error,
    DateTimeOffset? NextAttemptUtc);

public sealed record AttemptsView(string EndpointId, IReadOnlyList<AttemptView> Attempts);

public sealed record ReplayView(string EventId, WebhookEventState State);
