using System.Net;
using System.Net.Http.Headers;
using System.Text;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.IntegrationTests.Partner;

/// <summary>
/// A corpus of malformed requests against every partner route: never a 5xx, and every 4xx is a problem+json.
/// One exception: Kestrel itself refuses a NUL (%00) in the path with a bare 400 before any application code runs.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class MalformedRequestTests(AzuriteFixture azurite)
{
    private static readonly string[] Ids =
    [
        "u001", "nobody", "%00", "a%0Db", "a%2Fb", "a%5Cb", "%23", "%3F", "%20", "%E2%80%8B", "%F0%9F%92%A9", "%C3%A9l%C3%A8ve",
        new string('x', 129), new string('9', 2000), "%FF%FE", "..", "'%20or%201=1", "%3Cscript%3E", "null", "-1", "u001%00",
    ];

    private static readonly string[] Queries =
    [
        "", "?", "?a=1", "?from=", "?from=2026-02-30", "?from=99999-01-01", "?from=0001-01-01&to=9999-12-31", "?to=-1",
        "?from=2026-11-01&to=2026-10-01", "?from=%00", "?from=2026-11-01&from=2026-11-02", "?%00=1", "?from=2026-11-01T00:00:00Z",
        "?to=" + new string('1', 500),
    ];

    private static readonly string[] Bodies =
    [
        "", "{", "[]", "null", "\"x\"", "{}", "{\"userIds\":{}}", "{\"userIds\":[null]}", "{\"userIds\":[[]]}", "{\"userIds\":[\"\"]}",
        "{\"userIds\":[\"a\\u0000b\"]}", "{\"userIds\":[1e999]}", "{\"userIds\":[\"a\"],\"userIds\":[\"b\"]}", "{\"USERIDS\":[\"a\"]}",
        "\u0000\u0001\u0002", "{\"userIds\":[\"" + new string('a', 300_000) + "\"]}", "{\"userIds\":[" + string.Join(",", Enumerable.Repeat("\"u001\"", 5000)) + "]}",
        "{\"userIds\":[\"\\ud800\"]}", "<xml/>", "{\"userIds\":\"u001\"}", new string('[', 10_000),
    ];

    [Fact]
    public async Task ShouldNeverAnswer5xxAndAlwaysExplain4xxAsProblemDetails()
    {
        await using var host = await PartnerApiTests.ScoredHostAsync(azurite);
        var failures = new List<string>();
        var sent = 0;

        async Task Check(HttpRequestMessage request, string label)
        {
            sent++;
            using var response = await host.Http.SendAsync(request);
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                failures.Add($"{label}: {status}");
            }
            else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                && !(status == 400 && request.RequestUri!.OriginalString.Split('?')[0].Contains("%00", StringComparison.Ordinal)))
            {
                failures.Add($"{label}: {status} as {response.Content.Headers.ContentType?.MediaType ?? "no content type"}");
            }
        }

        foreach (var resource in new[] { "score", "history", "explanation", "card.svg" })
        {
            foreach (var id in Ids)
            {
                foreach (var query in Queries)
                {
                    var url = $"/api/v1/users/{id}/{resource}{query}";
                    await Check(new HttpRequestMessage(HttpMethod.Get, url), "GET " + url);
                }
            }

            foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
            {
                await Check(new HttpRequestMessage(method, $"/api/v1/users/u001/{resource}") { Content = new StringContent("{}") }, $"{method} {resource}");
            }
        }

        foreach (var body in Bodies)
        {
            foreach (var contentType in new[] { "application/json", "application/json; charset=utf-16", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/problem+json" })
            {
                var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
                await Check(new HttpRequestMessage(HttpMethod.Post, "/api/v1/scores/lookup") { Content = content }, $"POST lookup {contentType} {body[..Math.Min(body.Length, 40)]}");
            }

            await Check(new HttpRequestMessage(HttpMethod.Post, "/api/v1/scores/lookup?x=1") { Content = new StringContent(body, Encoding.UTF8, "application/json") }, "POST lookup?x=1");
        }

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete })
        {
            await Check(new HttpRequestMessage(method, "/api/v1/scores/lookup"), $"{method} lookup");
        }

        foreach (var url in new[] { "/api/v1/users//score", "/api/v1/users/u001", "/api/v1/users/u001/score/extra", "/api/v2/users/u001/score", "/api/v1/scores/lookup/x" })
        {
            await Check(new HttpRequestMessage(HttpMethod.Get, url), "GET " + url);
        }

        Assert.True(sent > 1000, $"only {sent} requests");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }
}
