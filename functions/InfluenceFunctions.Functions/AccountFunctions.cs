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
using InfluenceFunctions.Domain.People;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.People;
using InfluenceFunctions.Workflows.People;

namespace InfluenceFunctions.Functions;

/// <summary>People in control: the person's own account routes (the erasure orchestration is in <see cref="DurableFunctions"/>).</summary>
public sealed class AccountFunctions(AccountHandler handler)
{
    [Function(nameof(GetAccount))]
    public async Task<IActionResult> GetAccount([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.UserAccount)] HttpRequest request, string userId)
        => new ResultAction(await handler.GetAsync(userId, request, request.HttpContext.RequestAborted));

    [Function(nameof(OptIn))]
    public async Task<IActionResult> OptIn([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ApiRoutes.UserAccount)] HttpRequest request, string userId)
        => new ResultAction(await handler.OptInAsync(userId, request, request.HttpContext.RequestAborted));

    [Function(nameof(EraseAccount))]
    public async Task<IActionResult> EraseAccount([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ApiRoutes.UserAccount)] HttpRequest request, string userId, [DurableClient] DurableTaskClient client)
        => new ResultAction(await handler.EraseAsync(userId, request, client, request.HttpContext.RequestAborted));

    [Function(nameof(GetErasure))]
    public async Task<IActionResult> GetErasure([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.UserErasure)] HttpRequest request, string userId)
        => new ResultAction(await handler.GetErasureAsync(userId, request, request.HttpContext.RequestAborted));

    [Function(nameof(ConnectNetwork))]
    public async Task<IActionResult> ConnectNetwork([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.UserConnections)] HttpRequest request, string userId)
        => new ResultAction(await handler.ConnectAsync(userId, request, request.HttpContext.RequestAborted));

    [Function(nameof(DisconnectNetwork))]
    public async Task<IActionResult> DisconnectNetwork([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ApiRoutes.UserConnection)] HttpRequest request, string userId, string connectionId)
        => new ResultAction(await handler.DisconnectAsync(userId, connectionId, request, request.HttpContext.RequestAborted));

    [Function(nameof(ExportAccount))]
    public async Task<IActionResult> ExportAccount([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.UserExport)] HttpRequest request, string userId)
        => new ResultAction(await handler.ExportAsync(userId, request, request.HttpContext.RequestAborted));
}
