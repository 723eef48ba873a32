using InfluenceFunctions.Api.Profile;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InfluenceFunctions.Functions;

/// <summary>
/// The person's profile page, one line per trigger: its API (the profile, with the person's bearer token checked in the
/// handler; the sign-in configuration), and the pages themselves from the files embedded in the Api assembly, so this
/// app and the local host serve the same bytes. The host prefixes every route with "api": the pages are at
/// /api/profile/ and /api/u/{userId} here (at /profile/ and /u/{userId} in the local host) and link relatively.
/// </summary>
public sealed class ProfileFunctions(ProfileHandler profile, SignInConfigHandler signIn, PublicCardHandler card, WebAssets assets)
{
    [Function(nameof(GetUserProfile))]
    public async Task<IActionResult> GetUserProfile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ProfileRoutes.UserProfile)] HttpRequest request, string userId)
        => new ResultAction(await profile.GetAsync(userId, request, request.HttpContext.RequestAborted));

    [Function(nameof(GetSignInConfig))]
    public IActionResult GetSignInConfig([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ProfileRoutes.SignInConfig)] HttpRequest request)
        => new ResultAction(signIn.Get());

    [Function(nameof(ServeProfilePage))]
    public IActionResult ServeProfilePage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ProfileRoutes.ProfileFiles)] HttpRequest request, string? path)
        => new ResultAction(assets.Serve("profile", path, request));

    [Function(nameof(ServeCardFiles))]
    public IActionResult ServeCardFiles([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ProfileRoutes.CardFiles)] HttpRequest request, string? path)
        => new ResultAction(assets.Serve("card", path, request));

    [Function(nameof(ServePublicCard))]
    public async Task<IActionResult> ServePublicCard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ProfileRoutes.PublicCard)] HttpRequest request, string userId)
        => new ResultAction(await card.GetAsync(userId, request, request.HttpContext.RequestAborted));
}
