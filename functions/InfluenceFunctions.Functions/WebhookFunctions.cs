using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
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

namespace InfluenceFunctions.Functions;

/// <summary>
/// Partner webhooks, one line per trigger: the endpoint routes go through <see cref="PartnerGate"/> (Anonymous to the
/// host, our key check), the announcement is Admin, and the queue trigger sends deliveries.
/// </summary>
public sealed class WebhookFunctions(PartnerGate gate, WebhookEndpointHandler endpoints, WebhookAnnouncementHandler announcements, WebhookDeliveryProcessor processor)
{
    [Function(nameof(CreateWebhookEndpoint))]
    public async Task<IActionResult> CreateWebhookEndpoint([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.WebhookEndpoints)] HttpRequest request)
        => new ResultAction(await gate.RunAsync(request, caller => endpoints.CreateAsync(caller, request, request.HttpContext.RequestAborted)));

    [Function(nameof(ListWebhookEndpoints))]
    public async Task<IActionResult> ListWebhookEndpoints([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.WebhookEndpoints)] HttpRequest request)
        => new ResultAction(await gate.RunAsync(request, caller => endpoints.ListAsync(caller, request, request.HttpContext.RequestAborted)));

    [Function(nameof(GetWebhookEndpoint))]
    public async Task<IActionResult> GetWebhookEndpoint([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.WebhookEndpoint)] HttpRequest request, string endpointId)
        => new ResultAction(await gate.RunAsync(request, caller => endpoints.GetAsync(caller, endpointId, request, request.HttpContext.RequestAborted)));

    [Function(nameof(DeleteWebhookEndpoint))]
    public async Task<IActionResult> DeleteWebhookEndpoint([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ApiRoutes.WebhookEndpoint)] HttpRequest request, string endpointId)
        => new ResultAction(await gate.RunAsync(request, caller => endpoints.DeleteAsync(caller, endpointId, request, request.HttpContext.RequestAborted)));

    [Function(nameof(PauseWebhookEndpoint))]
    public async Task<IActionResult> PauseWebhookEndpoint([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.WebhookEndpointPause)] HttpRequest request, string endpointId)
        => new ResultAction(await gate.RunAsync(request, caller => endpoints.PauseAsync(caller, endpointId, request, request.HttpContext.RequestAborted)));

    [Function(nameof(ResumeWebhookEndpoint))]
    public async Task<IActionResult> ResumeWebhookEndpoint([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.WebhookEndpointResume)] HttpRequest request, string endpointId)
        => new ResultAction(await gate.RunAsync(request, caller => endpoints.ResumeAsync(caller, endpointId, request, request.HttpContext.RequestAborted)));

    [Function(nameof(RotateWebhookSecret))]
    public async Task<IActionResult> RotateWebhookSecret([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.WebhookEndpointRotateSecret)] HttpRequest request, string endpointId)
        => new ResultAction(await gate.RunAsync(request, caller => endpoints.RotateSecretAsync(caller, endpointId, request, request.HttpContext.RequestAborted)));

    [Function(nameof(GetWebhookAttempts))]
    public async Task<IActionResult> GetWebhookAttempts([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.WebhookEndpointAttempts)] HttpRequest request, string endpointId)
        => new ResultAction(await gate.RunAsync(request, caller => endpoints.AttemptsAsync(caller, endpointId, request, request.HttpContext.RequestAborted)));

    [Function(nameof(ReplayWebhookEvent))]
    public async Task<IActionResult> ReplayWebhookEvent([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.WebhookEventReplay)] HttpRequest request, string endpointId, string eventId)
        => new ResultAction(await gate.RunAsync(request, caller => endpoints.ReplayAsync(caller, endpointId, eventId, request, request.HttpContext.RequestAborted)));

    [Function(nameof(AnnounceModelVersion))]
    public async Task<IActionResult> AnnounceModelVersion([HttpTrigger(AuthorizationLevel.Admin, "post", Route = ApiRoutes.ModelAnnouncement)] HttpRequest request, string version)
        => new ResultAction(await announcements.AnnounceAsync(version, request, request.HttpContext.RequestAborted));

    /// <summary>
    /// A delivery that throws is retried by the host and poisoned after host.json's maxDequeueCount; our own retries are
    /// new messages. The message id (trigger metadata "Id") is what the delivery claims the event under.
    /// </summary>
    [Function(nameof(DeliverWebhook))]
    public Task DeliverWebhook([QueueTrigger("%Webhooks:QueueName%")] string message, FunctionContext context, CancellationToken cancellationToken)
        => processor.ProcessAsync(message, QueueMessageId(context), cancellationToken);

    private static string QueueMessageId(FunctionContext context) =>
        context.BindingContext.BindingData.TryGetValue("Id", out var id) && id?.ToString() is { Length: > 0 } text
            ? text.Trim('"')
            : throw new InvalidOperationException("The queue trigger gave no message id.");
}
