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
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;

namespace InfluenceFunctions.Functions;

/// <summary>
/// The partner API, one line per trigger. Partner routes are Anonymous to the Functions host: the key check and
/// quota are ours (<see cref="PartnerGate"/>, the same code the local host runs), and no partner handler can be
/// called without the <see cref="PartnerCaller"/> only the gate makes. Key management is Admin level.
/// </summary>
public sealed class PartnerFunctions(PartnerGate gate, ScoreLookupHandler scores, ScoreDetailsHandler details, ApiKeyHandler keys, OpenApiHandler openApi)
{
    [Function(nameof(GetUserScore))]
    public async Task<IActionResult> GetUserScore([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.UserScore)] HttpRequest request, string userId)
        => new ResultAction(await gate.RunAsync(request, caller => scores.GetAsync(caller, userId, request, request.HttpContext.RequestAborted)));

    [Function(nameof(LookupScores))]
    public async Task<IActionResult> LookupScores([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ScoresLookup)] HttpRequest request)
        => new ResultAction(await gate.RunAsync(request, caller => scores.LookupAsync(caller, request, request.HttpContext.RequestAborted)));

    [Function(nameof(GetUserHistory))]
    public async Task<IActionResult> GetUserHistory([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.UserHistory)] HttpRequest request, string userId)
        => new ResultAction(await gate.RunAsync(request, caller => details.HistoryAsync(caller, userId, request, request.HttpContext.RequestAborted)));

    [Function(nameof(GetUserExplanation))]
    public async Task<IActionResult> GetUserExplanation([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.UserExplanation)] HttpRequest request, string userId)
        => new ResultAction(await gate.RunAsync(request, caller => details.ExplanationAsync(caller, userId, request, request.HttpContext.RequestAborted)));

    [Function(nameof(GetUserCard))]
    public async Task<IActionResult> GetUserCard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.UserCard)] HttpRequest request, string userId)
        => new ResultAction(await gate.RunAsync(request, caller => details.CardAsync(caller, userId, request, request.HttpContext.RequestAborted)));

    [Function(nameof(GetOpenApi))]
    public async Task<IActionResult> GetOpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.OpenApi)] HttpRequest request)
        => new ResultAction(await openApi.GetAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(CreateApiKey))]
    public async Task<IActionResult> CreateApiKey([HttpTrigger(AuthorizationLevel.Admin, "post", Route = ApiRoutes.ApiKeys)] HttpRequest request)
        => new ResultAction(await keys.CreateAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(ListApiKeys))]
    public async Task<IActionResult> ListApiKeys([HttpTrigger(AuthorizationLevel.Admin, "get", Route = ApiRoutes.ApiKeys)] HttpRequest request)
        => new ResultAction(await keys.ListAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(RevokeApiKey))]
    public async Task<IActionResult> RevokeApiKey([HttpTrigger(AuthorizationLevel.Admin, "delete", Route = ApiRoutes.ApiKey)] HttpRequest request, string keyId)
        => new ResultAction(await keys.RevokeAsync(keyId, request, request.HttpContext.RequestAborted));
}
