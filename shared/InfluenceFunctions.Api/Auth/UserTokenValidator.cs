using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Api.Auth;

/// <summary>
/// End-user authentication (section "Auth"): a JWT bearer token from any OIDC provider (Azure App Service
/// authentication, Entra ID, ...). Set Issuer and Audience, and either MetadataAddress (the provider's
/// .well-known/openid-configuration, whose JWKS keys are fetched and refreshed) or SigningKeys (base64 symmetric
/// keys of 32+ bytes, for tests and local runs). With no issuer configured every end-user action is refused.
/// </summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    public string? MetadataAddress { get; set; }

    public List<string> SigningKeys { get; set; } = [];
}

/// <summary>Who made the request: the token's subject, or why the request is not authenticated.</summary>
public sealed record UserIdentity(string? UserId, string? Error)
{
    public bool Authenticated => UserId is not null;
}

/// <summary>
/// Validates the bearer token of a request. One class for both hosts: the Functions isolated worker does not run
/// ASP.NET Core's authentication middleware the same way, so the handlers call this themselves.
/// </summary>
public sealed class UserTokenValidator
{
    private readonly AuthOptions settings;
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? metadata;

    public UserTokenValidator(IOptions<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        settings = options.Value;
        if (!string.IsNullOrWhiteSpace(settings.MetadataAddress))
        {
            metadata = new ConfigurationManager<OpenIdConnectConfiguration>(settings.MetadataAddress, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = true });
        }
    }

    /// <summary>Null when the request carries no Authorization header.</summary>
    public async Task<UserIdentity?> AuthenticateAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return null;
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return new UserIdentity(null, "The Authorization header must be 'Bearer <token>'.");
        }

        return await ValidateAsync(header["Bearer ".Length..].Trim());
    }

    public async Task<UserIdentity> ValidateAsync(string token)
    {
        if (string.IsNullOrWhiteSpace(settings.Issuer) || string.IsNullOrWhiteSpace(settings.Audience) || (metadata is null && settings.SigningKeys.Count == 0))
        {
            return new UserIdentity(null, "End-user authentication is not configured on this service (Auth:Issuer, Auth:Audience and signing keys).");
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer,
            ValidAudience = settings.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = TimeSpan.FromMinutes(2),
            IssuerSigningKeys = settings.SigningKeys.Select(ToKey).ToList(),
        };
        if (metadata is not null)
        {
            parameters.ConfigurationManager = metadata;
        }

        var result = await handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return new UserIdentity(null, "The bearer token is not valid: " + (result.Exception?.GetType().Name ?? "rejected") + ".");
        }

        var subject = (result.SecurityToken as JsonWebToken)?.Subject;
        return string.IsNullOrEmpty(subject) ? new UserIdentity(null, "The bearer token has no 'sub' claim.") : new UserIdentity(subject, null);
    }

    private static SecurityKey ToKey(string key)
    {
        try
        {
            return new SymmetricSecurityKey(Convert.FromBase64String(key));
        }
        catch (FormatException)
        {
            return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key));
        }
    }
}
