using Microsoft.DurableTask.Client;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.LocalHost;

/// <summary>The person's own account routes, as the Functions app's AccountFunctions serves them (bearer token checked in the handler).</summary>
internal static class AccountEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet(ApiRoutes.UserAccount, (string userId, HttpRequest request, AccountHandler handler, CancellationToken ct) => handler.GetAsync(userId, request, ct));
        api.MapPut(ApiRoutes.UserAccount, (string userId, HttpRequest request, AccountHandler handler, CancellationToken ct) => handler.OptInAsync(userId, request, ct));
        api.MapDelete(ApiRoutes.UserAccount, (string userId, HttpRequest request, AccountHandler handler, DurableTaskClient client, CancellationToken ct) => handler.EraseAsync(userId, request, client, ct));
        api.MapGet(ApiRoutes.UserErasure, (string userId, HttpRequest request, AccountHandler handler, CancellationToken ct) => handler.GetErasureAsync(userId, request, ct));
        api.MapPost(ApiRoutes.UserConnections, (string userId, HttpRequest request, AccountHandler handler, CancellationToken ct) => handler.ConnectAsync(userId, request, ct));
        api.MapDelete(ApiRoutes.UserConnection, (string userId, string connectionId, HttpRequest request, AccountHandler handler, CancellationToken ct) => handler.DisconnectAsync(userId, connectionId, request, ct));
        api.MapGet(ApiRoutes.UserExport, (string userId, HttpRequest request, AccountHandler handler, CancellationToken ct) => handler.ExportAsync(userId, request, ct));
    }
}
