namespace InfluenceFunctions.Api.Profile;

/// <summary>
/// Routes of the person's profile page. The API routes are relative to the "api" prefix like <see cref="Api.Http.ApiRoutes"/>.
/// The page routes (<see cref="Pages"/>) are where the static pages are served: at the site root in the local host, under
/// "/api" in the Functions app (whose host prefixes every HTTP trigger); the pages link to each other relatively, so
/// they work under either base.
/// </summary>
public static class ProfileRoutes
{
    /// <summary>Everything the profile page shows, in one call, with the person's bearer token.</summary>
    public const string UserProfile = "v1/users/{userId}/profile";

    /// <summary>How the page signs people in here: development sign-in (local host) or the configured OIDC issuer.</summary>
    public const string SignInConfig = "v1/signin/config";

    /// <summary>The profile page's files (web/profile/).</summary>
    public const string ProfileFiles = "profile/{*path}";

    /// <summary>The public card page's files (web/card/).</summary>
    public const string CardFiles = "card/{*path}";

    /// <summary>The public card page a person can share: their media-kit card, 404 once withdrawn or erased.</summary>
    public const string PublicCard = "u/{userId}";

    /// <summary>The page routes, served outside the API (not in the OpenAPI document, no key).</summary>
    public static readonly IReadOnlyList<string> Pages = [ProfileFiles, CardFiles, PublicCard];
}
