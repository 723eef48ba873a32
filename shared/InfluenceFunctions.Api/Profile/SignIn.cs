using InfluenceFunctions.Api.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Api.Profile;

/// <summary>
/// Settings of section "SignIn": how the profile page gets a person's bearer token. In Azure: an OIDC authorization-code
/// flow with PKCE against Auth:Issuer (the page reads Auth:MetadataAddress for the provider's endpoints), as the public
/// client <see cref="ClientId"/> asking for <see cref="Scope"/> (for Entra ID, include the API's scope so the access
/// token's audience is Auth:Audience). The local host sets <see cref="Development"/> when it trusts its own development
/// key, and then serves the development sign-in (a list of demo users) instead.
/// </summary>
public sealed class SignInOptions
{
    public const string SectionName = "SignIn";

    public string? ClientId { get; set; }

    public string Scope { get; set; } = "openid";

    /// <summary>Set by the local host only: people sign in by picking a demo user (development tokens).</summary>
    public bool Development { get; set; }
}

/// <summary>GET /v1/signin/config (no credentials): what the page needs to sign a person in, and nothing secret.</summary>
public sealed class SignInConfigHandler(IOptions<SignInOptions> signIn, IOptions<AuthOptions> auth)
{
    /// <summary>The local host's development sign-in routes (never served by the Functions app).</summary>
    public const string DevelopmentUsersRoute = "/api/dev/users";

    public const string DevelopmentTokenRoute = "/api/dev/token";

    public Ok<SignInConfig> Get()
    {
        var settings = signIn.Value;
        var authSettings = auth.Value;
        if (settings.Development)
        {
            return TypedResults.Ok(new SignInConfig("development", null, null, null, null, DevelopmentUsersRoute, DevelopmentTokenRoute, null));
        }

        if (string.IsNullOrWhiteSpace(authSettings.Issuer) || string.IsNullOrWhiteSpace(authSettings.MetadataAddress) || string.IsNullOrWhiteSpace(settings.ClientId))
        {
            return TypedResults.Ok(new SignInConfig("none", null, null, null, null, null, null,
                "Sign-in is not configured here: set Auth:Issuer, Auth:Audience, Auth:MetadataAddress and SignIn:ClientId."));
        }

        return TypedResults.Ok(new SignInConfig("oidc", authSettings.Issuer, authSettings.MetadataAddress, settings.ClientId, settings.Scope, null, null, null));
    }
}

/// <summary>
/// How the page signs in: "development" (pick a demo user from <see cref="UsersUrl"/>, get a token from <see cref="TokenUrl"/>),
/// "oidc" (authorization code + PKCE against the provider described at <see cref="MetadataAddress"/>), or "none" (<see cref="Message"/> says why).
/// </summary>
public sealed record SignInConfig(
    string Mode,
    string? Issuer,
    string? MetadataAddress,
    string? ClientId,
    string? Scope,
    string? UsersUrl,
    string? TokenUrl,
    string? Message);
