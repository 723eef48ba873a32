using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Profile;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Api.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;

namespace InfluenceFunctions.Api;

/// <summary>
/// The HTTP API as one endpoint map: the local host serves it, and the OpenAPI document (<see cref="OpenApiHandler"/>)
/// is generated from it. The Functions app serves the same handlers through one [Function] per route (same route,
/// method and name; a test compares its functions.metadata with the document both ways).
/// </summary>
public static class InfluenceApiEndpoints
{
    /// <summary>
    /// Maps every route under /api. <paramref name="isAdmin"/> is the host's check of the admin key on the admin routes
    /// (the Functions host checks its own keys before a function runs).
    /// </summary>
    public static IEndpointRouteBuilder MapInfluenceApi(this IEndpointRouteBuilder routes, Func<HttpRequest, bool> isAdmin)
    {
        ArgumentNullException.ThrowIfNull(isAdmin);
        var api = routes.MapGroup("/" + ApiRoutes.Prefix);
        MapPartner(Group(api, ApiAccess.Partner, "partner"), Group(api, ApiAccess.Public, "meta"));
        MapTopics(Group(api, ApiAccess.Partner, "topics"), Group(api, ApiAccess.User, "topics"));
        MapWebhooks(Group(api, ApiAccess.Partner, "webhooks"));
        MapAccount(Group(api, ApiAccess.User, "account"));
        MapProfile(Group(api, ApiAccess.User, "profile"), Group(api, ApiAccess.Public, "profile"));

        var admin = Group(api, ApiAccess.Admin, "admin")
            .AddEndpointFilter(async (context, next) => isAdmin(context.HttpContext.Request)
                ? await next(context)
                : Problems.Unauthorized("An admin key is required in the x-functions-key header."))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ProblemDetails), [Problems.ProblemJson])
            {
                Description = "Missing or wrong admin/function key.",
            });
        MapAdmin(admin);
        return routes;
    }

    private static RouteGroupBuilder Group(RouteGroupBuilder api, ApiAccess access, string tag) =>
        api.MapGroup(string.Empty).WithMetadata(new ApiAccessMetadata(access)).WithTags(tag);

    /// <summary>The operation id (the Functions function's name too) and a one-line summary.</summary>
    private static RouteHandlerBuilder Named(this RouteHandlerBuilder builder, string name, string summary) =>
        builder.WithName(name).WithSummary(summary);

    private static void MapPartner(RouteGroupBuilder partner, RouteGroupBuilder open)
    {
        partner.MapGet(ApiRoutes.UserScore, (string userId, HttpRequest request, PartnerGate gate, ScoreLookupHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, caller => handler.GetAsync(caller, userId, request, ct)))
            .Named("GetUserScore", "One user's score, components, status, deltas and next recalculation.");
        partner.MapPost(ApiRoutes.ScoresLookup, (HttpRequest request, PartnerGate gate, ScoreLookupHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, caller => handler.LookupAsync(caller, request, ct)))
            .WithJsonBody(ScoreLookupHandler.Body)
            .Named("LookupScores", $"Up to {ScoreLookupHandler.MaxBatch} users in one request; each id answered found or not.");
        partner.MapGet(ApiRoutes.UserHistory, (string userId, HttpRequest request, PartnerGate gate, ScoreDetailsHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, caller => handler.HistoryAsync(caller, userId, request, ct)))
            .WithQuery(ScoreDetailsHandler.HistoryQuery)
            .Named("GetUserHistory", $"Daily scores over a range of up to {ScoreDetailsHandler.MaxHistoryDays} days (default: the {ScoreDetailsHandler.DefaultHistoryDays} days up to the latest night).");
        partner.MapGet(ApiRoutes.UserExplanation, (string userId, HttpRequest request, PartnerGate gate, ScoreDetailsHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, caller => handler.ExplanationAsync(caller, userId, request, ct)))
            .Named("GetUserExplanation", "The components, the previous night's result, and what moved the score since then, in points.");
        partner.MapGet(ApiRoutes.UserCard, (string userId, HttpRequest request, PartnerGate gate, ScoreDetailsHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, caller => handler.CardAsync(caller, userId, request, ct)))
            .Named("GetUserCard", "The media-kit card: an SVG with the score, components, a 90-day sparkline and top topics.");
        open.MapGet(ApiRoutes.OpenApi, (HttpRequest request, OpenApiHandler handler, CancellationToken ct) => handler.GetAsync(request, ct))
            .Named("GetOpenApi", "This document, generated from the endpoints.");
    }

    private static void MapTopics(RouteGroupBuilder partner, RouteGroupBuilder user)
    {
        partner.MapGet(ApiRoutes.Topics, (HttpRequest request, PartnerGate gate, TopicsHandler handler) =>
                gate.RunAsync(request, _ => Task.FromResult(handler.GetOntology())))
            .Named("GetTopics", "The topic ontology.");
        partner.MapGet(ApiRoutes.TopicLeaders, (string topicId, HttpRequest request, PartnerGate gate, TopicsHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, _ => handler.GetLeadersAsync(topicId, request, ct)))
            .WithQuery(TopicsHandler.LeadersQuery)
            .Named("GetTopicLeaders", "The top users for a topic.");
        partner.MapGet(ApiRoutes.UserTopics, (string userId, HttpRequest request, PartnerGate gate, TopicsHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, _ => handler.GetUserTopicsAsync(userId, request, ct)))
            .Named("GetUserTopics", "A user's topics with their evidence (the user's own bearer token, sent as well, also shows hidden ones).");
        partner.MapGet(ApiRoutes.UserTopic, (string userId, string topicId, HttpRequest request, PartnerGate gate, TopicsHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, _ => handler.GetUserTopicAsync(userId, topicId, request, ct)))
            .Named("GetUserTopic", "Why a topic was assigned: terms, top posts, +K.");
        user.MapPut(ApiRoutes.UserTopicHidden, (string userId, string topicId, HttpRequest request, TopicsHandler handler, CancellationToken ct) =>
                handler.SetHiddenAsync(userId, topicId, true, request, ct))
            .Named("HideUserTopic", "Hide a topic (the user themselves); it also leaves the topic's leaderboard.");
        user.MapDelete(ApiRoutes.UserTopicHidden, (string userId, string topicId, HttpRequest request, TopicsHandler handler, CancellationToken ct) =>
                handler.SetHiddenAsync(userId, topicId, false, request, ct))
            .Named("UnhideUserTopic", "Show a hidden topic again.");
        user.MapPost(ApiRoutes.UserPlusK, (string userId, HttpRequest request, PlusKHandler handler, CancellationToken ct) => handler.GiveAsync(userId, request, ct))
            .WithJsonBody(PlusKHandler.Body)
            .Named("GivePlusK", "Give +K to another user in a topic (5 a day; 1 per receiver and topic a week).");
        user.MapGet(ApiRoutes.UserPlusK, (string userId, HttpRequest request, PlusKHandler handler, CancellationToken ct) => handler.GetAsync(userId, request, ct))
            .Named("GetPlusK", "How many +K the user has left today, and their recent gifts.");
    }

    private static void MapWebhooks(RouteGroupBuilder partner)
    {
        partner.MapPost(ApiRoutes.WebhookEndpoints, (HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, caller => handler.CreateAsync(caller, request, ct)))
            .WithJsonBody(WebhookEndpointHandler.Body)
            .Named("CreateWebhookEndpoint", "Register an endpoint. The signing secret (whsec_...) is in this answer only.");
        partner.MapGet(ApiRoutes.WebhookEndpoints, (HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, caller => handler.ListAsync(caller, request, ct)))
            .Named("ListWebhookEndpoints", "This key's endpoints (never their secrets).");
        partner.MapGet(ApiRoutes.WebhookEndpoint, (string endpointId, HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, caller => handler.GetAsync(caller, endpointId, request, ct)))
            .Named("GetWebhookEndpoint", "One endpoint (another key's endpoints are not found either).");
        partner.MapDelete(ApiRoutes.WebhookEndpoint, (string endpointId, HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, caller => handler.DeleteAsync(caller, endpointId, request, ct)))
            .Named("DeleteWebhookEndpoint", "Delete an endpoint; queued deliveries to it are dropped.");
        partner.MapPost(ApiRoutes.WebhookEndpointPause, (string endpointId, HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, caller => handler.PauseAsync(caller, endpointId, request, ct)))
            .Named("PauseWebhookEndpoint", "Pause: events are held (not lost) until resumed.");
        partner.MapPost(ApiRoutes.WebhookEndpointResume, (string endpointId, HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, caller => handler.ResumeAsync(caller, endpointId, request, ct)))
            .Named("ResumeWebhookEndpoint", "Make a paused, disabled (410) or failing endpoint active again (its URL is checked again) and send its held events.");
        partner.MapPost(ApiRoutes.WebhookEndpointRotateSecret, (string endpointId, HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, caller => handler.RotateSecretAsync(caller, endpointId, request, ct)))
            .Named("RotateWebhookSecret", "A new signing secret (in this answer only); the previous one keeps signing for the overlap, both signatures sent meanwhile.");
        partner.MapGet(ApiRoutes.WebhookEndpointAttempts, (string endpointId, HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, caller => handler.AttemptsAsync(caller, endpointId, request, ct)))
            .WithQuery(WebhookEndpointHandler.AttemptsQuery)
            .Named("GetWebhookAttempts", "The delivery attempt log, newest first.");
        partner.MapPost(ApiRoutes.WebhookEventReplay, (string endpointId, string eventId, HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
                gate.RunAsync(request, caller => handler.ReplayAsync(caller, endpointId, eventId, request, ct)))
            .Named("ReplayWebhookEvent", "Send an event again (a fresh first attempt, same webhook-id), e.g. one that failed every attempt.");
    }

    private static void MapAccount(RouteGroupBuilder user)
    {
        user.MapGet(ApiRoutes.UserAccount, (string userId, HttpRequest request, AccountHandler handler, CancellationToken ct) => handler.GetAsync(userId, request, ct))
            .Named("GetAccount", "The person's own account: opted in or not, connected networks, recent disconnections.");
        user.MapPut(ApiRoutes.UserAccount, (string userId, HttpRequest request, AccountHandler handler, CancellationToken ct) => handler.OptInAsync(userId, request, ct))
            .Named("OptIn", "Opt in: from now on the person's signals are stored and, once a network is connected, they are scored.");
        user.MapDelete(ApiRoutes.UserAccount, (string userId, HttpRequest request, AccountHandler handler, [FromServices] DurableTaskClient client, CancellationToken ct) =>
                handler.EraseAsync(userId, request, client, ct))
            .Named("EraseAccount", "Erase everything stored about the person (a durable erasure; user.erased tells subscribed partners).");
        user.MapGet(ApiRoutes.UserErasure, (string userId, HttpRequest request, AccountHandler handler, CancellationToken ct) => handler.GetErasureAsync(userId, request, ct))
            .Named("GetErasure", "The status of the person's erasure: erasing or erased.");
        user.MapPost(ApiRoutes.UserConnections, (string userId, HttpRequest request, AccountHandler handler, CancellationToken ct) => handler.ConnectAsync(userId, request, ct))
            .WithJsonBody(AccountHandler.Body)
            .Named("ConnectNetwork", "Connect a network account; it takes effect at the next nightly run.");
        user.MapDelete(ApiRoutes.UserConnection, (string userId, string connectionId, HttpRequest request, AccountHandler handler, CancellationToken ct) =>
                handler.DisconnectAsync(userId, connectionId, request, ct))
            .Named("DisconnectNetwork", "Disconnect a network (its stored signals go with it); it takes effect at the next nightly run.");
        user.MapGet(ApiRoutes.UserExport, (string userId, HttpRequest request, AccountHandler handler, CancellationToken ct) => handler.ExportAsync(userId, request, ct))
            .Named("ExportAccount", "Everything stored about the person, as one JSON document.");
    }

    private static void MapProfile(RouteGroupBuilder user, RouteGroupBuilder open)
    {
        user.MapGet(ProfileRoutes.UserProfile, (string userId, HttpRequest request, ProfileHandler handler, CancellationToken ct) => handler.GetAsync(userId, request, ct))
            .Named("GetUserProfile", "Everything the person's profile page shows, in one call: account, score, history, moves in words, topics, +K, erasure.");
        open.MapGet(ProfileRoutes.SignInConfig, (SignInConfigHandler handler) => handler.Get())
            .Named("GetSignInConfig", "How the profile page signs a person in here: development sign-in, the configured OIDC issuer, or none.");
    }

    private static void MapAdmin(RouteGroupBuilder admin)
    {
        admin.MapPut(ApiRoutes.IngestBatch, (string batchId, HttpRequest request, IngestionHandler handler, CancellationToken ct) => handler.PutBatchAsync(batchId, request, ct))
            .WithJsonBody(IngestionHandler.Body)
            .Named("IngestBatch", "Daily signals and engagement edges; idempotent on the batch id.");
        admin.MapPut(ApiRoutes.IngestPosts, (string batchId, HttpRequest request, IngestionHandler handler, CancellationToken ct) => handler.PutPostsAsync(batchId, request, ct))
            .WithJsonBody(IngestionHandler.PostBody)
            .Named("IngestPosts", "A batch of posts (text, hashtags, links, engagement received); idempotent on the batch id.");
        admin.MapPost(ApiRoutes.Runs, (HttpRequest request, NightlyRunHandler handler, [FromServices] DurableTaskClient client, CancellationToken ct) => handler.StartAsync(request, client, ct))
            .WithQuery(NightlyRunHandler.StartQuery)
            .Named("StartRun", "Start a nightly run now; Location is its status URL.");
        admin.MapGet(ApiRoutes.Run, (string day, NightlyRunHandler handler, [FromServices] DurableTaskClient client, CancellationToken ct) => handler.GetAsync(day, client, ct))
            .Named("GetRun", "A run's progress and record.");
        admin.MapGet(ApiRoutes.ShadowReport, (string version, NightlyRunHandler handler, CancellationToken ct) => handler.GetShadowReportAsync(version, ct))
            .Named("GetShadowReport", "The newest live-against-shadow diff report of a model version.");
        admin.MapPost(ApiRoutes.ApiKeys, (HttpRequest request, ApiKeyHandler handler, CancellationToken ct) => handler.CreateAsync(request, ct))
            .WithJsonBody(ApiKeyHandler.Body)
            .Named("CreateApiKey", "Create a partner API key. The key is in this answer only; it is stored as a hash.");
        admin.MapGet(ApiRoutes.ApiKeys, (HttpRequest request, ApiKeyHandler handler, CancellationToken ct) => handler.ListAsync(request, ct))
            .Named("ListApiKeys", "Every key (never the key itself).");
        admin.MapDelete(ApiRoutes.ApiKey, (string keyId, HttpRequest request, ApiKeyHandler handler, CancellationToken ct) => handler.RevokeAsync(keyId, request, ct))
            .Named("RevokeApiKey", "Revoke a key (the record stays).");
        admin.MapPost(ApiRoutes.ModelAnnouncement, (string version, HttpRequest request, WebhookAnnouncementHandler handler, CancellationToken ct) => handler.AnnounceAsync(version, request, ct))
            .WithJsonBody(WebhookAnnouncementHandler.Body)
            .Named("AnnounceModelVersion", "Announce a planned switch of the live model to {version} to every endpoint subscribed to model.version.changed, with its latest shadow report.");
    }
}
