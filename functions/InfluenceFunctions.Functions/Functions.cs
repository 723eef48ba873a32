using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Workflows.Nightly;

namespace InfluenceFunctions.Functions;

/// <summary>
/// The timer, ingestion, runs and topics: one line per trigger, handing the work to the shared handlers
/// (shared/InfluenceFunctions.Api). The durable tasks are in <see cref="DurableFunctions"/>.
/// </summary>
public sealed class Functions(
    NightlyRunScheduler scheduler,
    IngestionHandler ingestion,
    NightlyRunHandler runHandler,
    TopicsHandler topics,
    PlusKHandler plusK,
    PartnerGate gate)
{
    [Function(nameof(NightlyTimer))]
    public async Task NightlyTimer([TimerTrigger("%Influence:NightlySchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
        => await scheduler.StartScheduledAsync(client, scheduler.NightToScore(), cancellationToken);

    [Function(nameof(StartRun))]
    public async Task<IActionResult> StartRun([HttpTrigger(AuthorizationLevel.Admin, "post", Route = ApiRoutes.Runs)] HttpRequest request, [DurableClient] DurableTaskClient client)
        => new ResultAction(await runHandler.StartAsync(request, client, request.HttpContext.RequestAborted));

    [Function(nameof(GetRun))]
    public async Task<IActionResult> GetRun([HttpTrigger(AuthorizationLevel.Admin, "get", Route = ApiRoutes.Run)] HttpRequest request, string day, [DurableClient] DurableTaskClient client)
        => new ResultAction(await runHandler.GetAsync(day, client, request.HttpContext.RequestAborted));

    [Function(nameof(GetShadowReport))]
    public async Task<IActionResult> GetShadowReport([HttpTrigger(AuthorizationLevel.Admin, "get", Route = ApiRoutes.ShadowReport)] HttpRequest request, string version)
        => new ResultAction(await runHandler.GetShadowReportAsync(version, request.HttpContext.RequestAborted));

    [Function(nameof(IngestBatch))]
    public async Task<IActionResult> IngestBatch([HttpTrigger(AuthorizationLevel.Function, "put", Route = ApiRoutes.IngestBatch)] HttpRequest request, string batchId)
        => new ResultAction(await ingestion.PutBatchAsync(batchId, request, request.HttpContext.RequestAborted));

    [Function(nameof(IngestPosts))]
    public async Task<IActionResult> IngestPosts([HttpTrigger(AuthorizationLevel.Function, "put", Route = ApiRoutes.IngestPosts)] HttpRequest request, string batchId)
        => new ResultAction(await ingestion.PutPostsAsync(batchId, request, request.HttpContext.RequestAborted));

    [Function(nameof(GetTopics))]
    public async Task<IActionResult> GetTopics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Topics)] HttpRequest request)
        => new ResultAction(await gate.RunAsync(request, _ => Task.FromResult(topics.GetOntology())));

    [Function(nameof(GetTopicLeaders))]
    public async Task<IActionResult> GetTopicLeaders([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.TopicLeaders)] HttpRequest request, string topicId)
        => new ResultAction(await gate.RunAsync(request, _ => topics.GetLeadersAsync(topicId, request, request.HttpContext.RequestAborted)));

    [Function(nameof(GetUserTopics))]
    public async Task<IActionResult> GetUserTopics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.UserTopics)] HttpRequest request, string userId)
        => new ResultAction(await gate.RunAsync(request, _ => topics.GetUserTopicsAsync(userId, request, request.HttpContext.RequestAborted)));

    [Function(nameof(GetUserTopic))]
    public async Task<IActionResult> GetUserTopic([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.UserTopic)] HttpRequest request, string userId, string topicId)
        => new ResultAction(await gate.RunAsync(request, _ => topics.GetUserTopicAsync(userId, topicId, request, request.HttpContext.RequestAborted)));

    [Function(nameof(HideUserTopic))]
    public async Task<IActionResult> HideUserTopic([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ApiRoutes.UserTopicHidden)] HttpRequest request, string userId, string topicId)
        => new ResultAction(await topics.SetHiddenAsync(userId, topicId, hide: true, request, request.HttpContext.RequestAborted));

    [Function(nameof(UnhideUserTopic))]
    public async Task<IActionResult> UnhideUserTopic([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ApiRoutes.UserTopicHidden)] HttpRequest request, string userId, string topicId)
        => new ResultAction(await topics.SetHiddenAsync(userId, topicId, hide: false, request, request.HttpContext.RequestAborted));

    [Function(nameof(GivePlusK))]
    public async Task<IActionResult> GivePlusK([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.UserPlusK)] HttpRequest request, string userId)
        => new ResultAction(await plusK.GiveAsync(userId, request, request.HttpContext.RequestAborted));

    [Function(nameof(GetPlusK))]
    public async Task<IActionResult> GetPlusK([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.UserPlusK)] HttpRequest request, string userId)
        => new ResultAction(await plusK.GetAsync(userId, request, request.HttpContext.RequestAborted));
}

/// <summary>Runs a shared handler's IResult inside the Functions ASP.NET Core integration.</summary>
internal sealed class ResultAction(IResult result) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context) => result.ExecuteAsync(context.HttpContext);
}
