using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;

namespace InfluenceFunctions.LocalHost;

/// <summary>The partner API on the local host: the same handlers through the same gate as PartnerFunctions.</summary>
internal static class PartnerEndpoints
{
    public static void Map(RouteGroupBuilder api, RouteGroupBuilder admin)
    {
        api.MapGet(ApiRoutes.UserScore, (string userId, HttpRequest request, PartnerGate gate, ScoreLookupHandler handler, CancellationToken ct) =>
            gate.RunAsync(request, caller => handler.GetAsync(caller, userId, request, ct)));
        api.MapPost(ApiRoutes.ScoresLookup, (HttpRequest request, PartnerGate gate, ScoreLookupHandler handler, CancellationToken ct) =>
            gate.RunAsync(request, caller => handler.LookupAsync(caller, request, ct)));
        api.MapGet(ApiRoutes.UserHistory, (string userId, HttpRequest request, PartnerGate gate, ScoreDetailsHandler handler, CancellationToken ct) =>
            gate.RunAsync(request, caller => handler.HistoryAsync(caller, userId, request, ct)));
        api.MapGet(ApiRoutes.UserExplanation, (string userId, HttpRequest request, PartnerGate gate, ScoreDetailsHandler handler, CancellationToken ct) =>
            gate.RunAsync(request, caller => handler.ExplanationAsync(caller, userId, request, ct)));
        api.MapGet(ApiRoutes.UserCard, (string userId, HttpRequest request, PartnerGate gate, ScoreDetailsHandler handler, CancellationToken ct) =>
            gate.RunAsync(request, caller => handler.CardAsync(caller, userId, request, ct)));
        api.MapGet(ApiRoutes.OpenApi, (HttpRequest request, OpenApiHandler handler) => handler.Get(request));

        admin.MapPost(ApiRoutes.ApiKeys, (HttpRequest request, ApiKeyHandler handler, CancellationToken ct) => handler.CreateAsync(request, ct));
        admin.MapGet(ApiRoutes.ApiKeys, (HttpRequest request, ApiKeyHandler handler, CancellationToken ct) => handler.ListAsync(request, ct));
        admin.MapDelete(ApiRoutes.ApiKey, (string keyId, HttpRequest request, ApiKeyHandler handler, CancellationToken ct) => handler.RevokeAsync(keyId, request, ct));
    }
}
