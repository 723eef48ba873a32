using System.Security.Claims;
using Azure;
using Azure.Data.Tables;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Profile;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Storage;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace InfluenceFunctions.LocalHost;

/// <summary>
/// The profile page's sign-in on the local host (SignIn:Development, set when the host made its own development key):
/// a few demo users to pick from, and a development token for the one picked, signed with the key in Auth:SigningKeys.
/// Local host only: the Functions app has no such routes, and the page signs in with the configured issuer there.
/// </summary>
internal static class DevelopmentSignIn
{
    public const int ListedUsers = 12;
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(12);

    public static void Map(WebApplication app)
    {
        app.MapGet(SignInConfigHandler.DevelopmentUsersRoute, ListUsersAsync).ExcludeFromDescription();
        app.MapPost(SignInConfigHandler.DevelopmentTokenRoute, MintAsync).ExcludeFromDescription();
    }

    /// <summary>A few people with a score row (by id, from the first page of the scores table), and whether they are scored.</summary>
    private static async Task<IResult> ListUsersAsync(InfluenceTables tables, CancellationToken cancellationToken)
    {
        var users = new List<(string UserId, int? Score, string Status)>();
        try
        {
            await foreach (var row in tables.Scores.QueryAsync<TableEntity>(select: ["RowKey", "Score", "Status"], maxPerPage: 200, cancellationToken: cancellationToken))
            {
                users.Add((row.RowKey, row.GetInt32("Score"), row.GetString("Status") ?? "unscored"));
                if (users.Count == 200)
                {
                    break;
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No scores table yet: nobody to list.
        }

        return TypedResults.Ok(new
        {
            users = users.OrderBy(u => u.UserId, StringComparer.Ordinal).Take(ListedUsers)
                .Select(u => new { u.UserId, u.Score, status = u.Status == "scored" ? "scored" : "unscored" }),
        });
    }

    /// <summary>POST {"userId": "..."}: a development bearer token for that person.</summary>
    private static async Task<IResult> MintAsync(HttpRequest request, IConfiguration configuration, CancellationToken cancellationToken)
    {
        DevelopmentTokenRequest? input;
        try
        {
            input = await request.ReadFromJsonAsync<DevelopmentTokenRequest>(cancellationToken);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return Problems.Invalid("body", "Send {\"userId\": \"...\"} as application/json.");
        }

        if (IngestionValidator.ValidateUserId(input?.UserId) is { } error)
        {
            return Problems.Invalid("userId", error);
        }

        var expires = DateTime.UtcNow + TokenLifetime;
        var configured = configuration["Auth:SigningKeys:0"]!;
        var buffer = new byte[configured.Length];
        var key = Convert.TryFromBase64String(configured, buffer, out var length)
            ? buffer[..length]
            : System.Text.Encoding.UTF8.GetBytes(configured); // As UserTokenValidator reads a key that is not base64.
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = configuration["Auth:Issuer"],
            Audience = configuration["Auth:Audience"],
            Subject = new ClaimsIdentity([new Claim("sub", input!.UserId!)]),
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
        return TypedResults.Ok(new { userId = input.UserId, token, expiresUtc = new DateTimeOffset(expires) });
    }

    private sealed record DevelopmentTokenRequest(string? UserId);
}
