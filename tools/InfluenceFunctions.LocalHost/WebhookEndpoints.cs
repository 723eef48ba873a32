using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Api.Webhooks;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage.Webhooks;
using InfluenceFunctions.Workflows.Webhooks;

namespace InfluenceFunctions.LocalHost;

/// <summary>Partner webhooks on the local host: the same handlers through the same gate as WebhookFunctions.</summary>
internal static class WebhookEndpoints
{
    public static void Map(RouteGroupBuilder api, RouteGroupBuilder admin)
    {
        api.MapPost(ApiRoutes.WebhookEndpoints, (HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
            gate.RunAsync(request, caller => handler.CreateAsync(caller, request, ct)));
        api.MapGet(ApiRoutes.WebhookEndpoints, (HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
            gate.RunAsync(request, caller => handler.ListAsync(caller, request, ct)));
        api.MapGet(ApiRoutes.WebhookEndpoint, (string endpointId, HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
            gate.RunAsync(request, caller => handler.GetAsync(caller, endpointId, request, ct)));
        api.MapDelete(ApiRoutes.WebhookEndpoint, (string endpointId, HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
            gate.RunAsync(request, caller => handler.DeleteAsync(caller, endpointId, request, ct)));
        api.MapPost(ApiRoutes.WebhookEndpointPause, (string endpointId, HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
            gate.RunAsync(request, caller => handler.PauseAsync(caller, endpointId, request, ct)));
        api.MapPost(ApiRoutes.WebhookEndpointResume, (string endpointId, HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
            gate.RunAsync(request, caller => handler.ResumeAsync(caller, endpointId, request, ct)));
        api.MapPost(ApiRoutes.WebhookEndpointRotateSecret, (string endpointId, HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
            gate.RunAsync(request, caller => handler.RotateSecretAsync(caller, endpointId, request, ct)));
        api.MapGet(ApiRoutes.WebhookEndpointAttempts, (string endpointId, HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
            gate.RunAsync(request, caller => handler.AttemptsAsync(caller, endpointId, request, ct)));
        api.MapPost(ApiRoutes.WebhookEventReplay, (string endpointId, string eventId, HttpRequest request, PartnerGate gate, WebhookEndpointHandler handler, CancellationToken ct) =>
            gate.RunAsync(request, caller => handler.ReplayAsync(caller, endpointId, eventId, request, ct)));

        admin.MapPost(ApiRoutes.ModelAnnouncement, (string version, HttpRequest request, WebhookAnnouncementHandler handler, CancellationToken ct) => handler.AnnounceAsync(version, request, ct));
    }
}
