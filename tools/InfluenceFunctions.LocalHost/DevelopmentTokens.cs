using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.LocalHost;

/// <summary>
/// End-user sign-in for trying the local host: when no Auth:Issuer is configured, the host trusts a signing key made
/// at start (never stored) and prints a bearer token for a demo user, so the person's own routes can be tried with
/// curl. Never used by the Functions app.
/// </summary>
internal static class DevelopmentTokens
{
    private const string Issuer = "http://127.0.0.1/influence-local-development";
    private const string Audience = "influence-local";

    /// <summary>Sets Auth:* to a fresh development key unless end-user auth is configured. Returns the key, or null.</summary>
    public static byte[]? Configure(IConfiguration configuration)
    {
        if (!string.IsNullOrEmpty(configuration["Auth:Issuer"]))
        {
            return null;
        }

        var key = RandomNumberGenerator.GetBytes(32);
        configuration["Auth:Issuer"] = Issuer;
        configuration["Auth:Audience"] = Audience;
        configuration["Auth:SigningKeys:0"] = Convert.ToBase64String(key);
        return key;
    }

    public static string Mint(byte[] key, string userId, TimeSpan lifetime) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId)]),
            Expires = DateTime.UtcNow + lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
}
