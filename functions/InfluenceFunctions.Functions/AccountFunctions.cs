using InfluenceFunctions.Http;
using InfluenceFunctions.People;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace InfluenceFunctions.Functions;

/// <summary>People in control: the person's own account routes, and the erasure orchestration's shells.</summary>
public sealed class AccountFunctions(AccountHandler handler, ErasureService erasure)
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

    [Function(nameof(ErasureOrchestrator))]
    public static Task<ErasureSummary> Erase([OrchestrationTrigger] TaskOrchestrationContext context)
        => new ErasureOrchestrator().RunAsync(context, context.GetInput<ErasureInput>()!);

    [Function(nameof(SweepErasureActivity))]
    public Task<ErasureStep> SweepErasure([ActivityTrigger] ErasureInput input, CancellationToken cancellationToken)
        => erasure.SweepAsync(input, cancellationToken);

    [Function(nameof(NotifyErasureActivity))]
    public Task<int> NotifyErasure([ActivityTrigger] ErasureInput input, CancellationToken cancellationToken)
        => erasure.NotifyAsync(input, cancellationToken);

    [Function(nameof(NightInProgressActivity))]
    public Task<bool> NightInProgress([ActivityTrigger] ErasureInput input, CancellationToken cancellationToken)
        => erasure.NightInProgressAsync(cancellationToken);

    [Function(nameof(CompleteErasureActivity))]
    public Task<bool> CompleteErasure([ActivityTrigger] ErasureInput input, CancellationToken cancellationToken)
        => erasure.CompleteAsync(input, cancellationToken);
}
