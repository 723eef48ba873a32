using InfluenceFunctions.Api.Profile;

namespace InfluenceFunctions.LocalHost;

/// <summary>
/// The profile page on the local host: its API routes (as ProfileFunctions serves them), the pages at the site root (the
/// Functions app serves the same files under /api; they link relatively), and, when the host trusts its own development
/// key, the development sign-in.
/// </summary>
internal static class ProfileEndpoints
{
    public static void Map(WebApplication app, RouteGroupBuilder api)
    {
        api.MapGet(ProfileRoutes.UserProfile, (string userId, HttpRequest request, ProfileHandler handler, CancellationToken ct) => handler.GetAsync(userId, request, ct));
        api.MapGet(ProfileRoutes.SignInConfig, (SignInConfigHandler handler) => handler.Get());

        app.MapGet("/" + ProfileRoutes.ProfileFiles, (string? path, HttpRequest request, WebAssets assets) => assets.Serve("profile", path, request));
        app.MapGet("/" + ProfileRoutes.CardFiles, (string? path, HttpRequest request, WebAssets assets) => assets.Serve("card", path, request));
        app.MapGet("/" + ProfileRoutes.PublicCard, (string userId, HttpRequest request, PublicCardHandler handler, CancellationToken ct) => handler.GetAsync(userId, request, ct));
        app.MapGet("/", () => TypedResults.Redirect("/profile/")).WithMetadata(LocalHostOnly.Instance);

        // Only with a symmetric key to sign with (the host's own development key, or one a test configures).
        if (app.Configuration.GetValue<bool>($"{SignInOptions.SectionName}:{nameof(SignInOptions.Development)}") && !string.IsNullOrEmpty(app.Configuration["Auth:SigningKeys:0"]))
        {
            DevelopmentSignIn.Map(app);
        }
    }
}

/// <summary>Marks a route only the local host serves (not the Functions app, not in the OpenAPI document).</summary>
internal sealed class LocalHostOnly
{
    public static readonly LocalHostOnly Instance = new();
}
