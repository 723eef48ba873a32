using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace InfluenceFunctions.Api.Profile;

/// <summary>
/// The static pages (<see cref="ProfileRoutes.Pages"/>): the profile page, the public card page and its files. They
/// are not API, so they are left out of the OpenAPI document. The local host maps them at the site root; the Functions
/// app serves the same routes under its "api" prefix (ProfileFunctions), and the pages link relatively.
/// </summary>
public static class ProfilePages
{
    public static IEndpointRouteBuilder MapProfilePages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/" + ProfileRoutes.ProfileFiles, (string? path, HttpRequest request, WebAssets assets) => assets.Serve("profile", path, request)).ExcludeFromDescription();
        routes.MapGet("/" + ProfileRoutes.CardFiles, (string? path, HttpRequest request, WebAssets assets) => assets.Serve("card", path, request)).ExcludeFromDescription();
        routes.MapGet("/" + ProfileRoutes.PublicCard, (string userId, HttpRequest request, PublicCardHandler handler, CancellationToken ct) => handler.GetAsync(userId, request, ct))
            .ExcludeFromDescription();
        return routes;
    }
}
