using InfluenceFunctions.Api.Profile;

namespace InfluenceFunctions.LocalHost;

/// <summary>
/// The profile page on the local host: the pages at the site root (the API routes are in the shared endpoint map), a
/// redirect from "/" to the page, and, when the host trusts its own development key, the development sign-in. None of
/// these is API: they are left out of the OpenAPI document.
/// </summary>
internal static class ProfileEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapProfilePages();
        app.MapGet("/", () => TypedResults.Redirect("/profile/")).ExcludeFromDescription();

        // Only with a symmetric key to sign with (the host's own development key, or one a test configures).
        if (app.Configuration.GetValue<bool>($"{SignInOptions.SectionName}:{nameof(SignInOptions.Development)}") && !string.IsNullOrEmpty(app.Configuration["Auth:SigningKeys:0"]))
        {
            DevelopmentSignIn.Map(app);
        }
    }
}
