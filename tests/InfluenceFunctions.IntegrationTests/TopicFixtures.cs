using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.IntegrationTests;

/// <summary>End-user tokens minted with a test key, and the settings that make the host trust them.</summary>
public static class TestTokens
{
    public const string Issuer = "https://login.test.example/";
    public const string Audience = "api://influence-test";
    public static readonly byte[] Key = Encoding.UTF8.GetBytes("test-signing-key-of-at-least-32-bytes!!");

    public static Dictionary<string, string?> Settings => new()
    {
        ["Auth:Issuer"] = Issuer,
        ["Auth:Audience"] = Audience,
        ["Auth:SigningKeys:0"] = Convert.ToBase64String(Key),
    };

    public static string Mint(string userId, byte[]? key = null, string issuer = Issuer, string audience = Audience, DateTime? expires = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId)]),
            NotBefore = DateTime.UtcNow.AddMinutes(-5),
            Expires = expires ?? DateTime.UtcNow.AddHours(1),
            IssuedAt = DateTime.UtcNow.AddMinutes(-5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? Key), SecurityAlgorithms.HmacSha256),
        });

    public static HttpRequestMessage As(string userId, HttpMethod method, string url, object? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Mint(userId));
        return request;
    }
}

/// <summary>Posts for the topic tests: people whose topics are known in advance, including Klout's misattributions.</summary>
public static class TopicPosts
{
    public static object Post(string userId, DateOnly day, string postId, string text, double reactions = 0, double reshares = 0, double replies = 0, string[]? hashtags = null, string[]? links = null) =>
        new { userId, network = "twitter", day = SmallPopulation.Day(day), postId, text, hashtags, links, reactions, reshares, replies };

    /// <summary>u010 is a Twins fan, u011 a parent of twins, u012 loves vodka (and once mentions wine), u013 runs out of paper towels.</summary>
    public static object Batch(DateOnly night)
    {
        var posts = new List<object>();
        for (var i = 0; i < 6; i++)
        {
            posts.Add(Post("u010", night.AddDays(-i), $"fan{i}", $"Twins win again, Buxton homer in the {i + 3}th inning at Target Field", reactions: 40 * (i + 1), reshares: 5));
            posts.Add(Post("u011", night.AddDays(-i), $"mom{i}", "The twins finally napped at the same time, the newborn stage is wild", reactions: 10));
            posts.Add(Post("u012", night.AddDays(-i), $"vod{i}", "Vodka soda with lime, my usual", reactions: 3));
            posts.Add(Post("u013", night.AddDays(-i), $"pt{i}", "Out of paper towels again, ugh", reactions: 1));
        }

        posts.Add(Post("u012", night, "wine-once", "I don't really like wine honestly"));
        return new { posts };
    }
}
