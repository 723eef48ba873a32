using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.LocalHost;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace InfluenceFunctions.IntegrationTests.Http;

/// <summary>
/// The one body reader, on every route that reads a body (found from the endpoints' metadata, so a new body route is
/// tested too): a chunked body over the route's limit is a 413 (never a 500), anything but JSON a 415, and a malformed
/// body a 400 that names the field, or "body" for the whole body.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RequestBodyTests(AzuriteFixture azurite)
{
    /// <summary>Over Kestrel's own 30 MB limit, which a reader of Content-Length alone let a chunked body reach (a 500).</summary>
    private const long PastServerLimit = 31L * 1024 * 1024;

    [Fact]
    public async Task ShouldAnswer413ToAChunkedBodyOverTheLimitOnEveryBodyRoute()
    {
        await using var host = await StartAsync();
        var routes = BodyRoutes(host);
        Assert.True(routes.Count >= 8, $"only {routes.Count} body routes found");
        foreach (var route in routes)
        {
            var answer = await RawChunked.SendAsync(host, route.Method, route.Url, route.Body.MaxBytes + (64 * 1024));
            AssertProblem(answer, HttpStatusCode.RequestEntityTooLarge, route);
        }
    }

    [Theory]
    [InlineData("POST /api/v1/webhooks/endpoints")]
    [InlineData("POST /api/v1/manage/keys")]
    [InlineData("POST /api/v1/manage/models/{version}/announce")]
    public async Task ShouldAnswer413NotAServerErrorToAChunkedBodyPastTheServersOwnLimit(string operation)
    {
        await using var host = await StartAsync();
        var route = BodyRoutes(host).Single(r => r.Operation == operation);
        var answer = await RawChunked.SendAsync(host, route.Method, route.Url, PastServerLimit);
        AssertProblem(answer, HttpStatusCode.RequestEntityTooLarge, route);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task ShouldAnswer415ToAnythingButJsonOnEveryBodyRoute(string? contentType)
    {
        await using var host = await StartAsync();
        foreach (var route in BodyRoutes(host))
        {
            var content = new ByteArrayContent("{}"u8.ToArray());
            content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
            using var response = await SendAsync(host, route, content);
            await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, route);
        }
    }

    [Theory]
    [InlineData("[]", "body")]
    [InlineData("null", "body")]
    [InlineData("\"text\"", "body")]
    [InlineData("{\"noSuchField\": 1}", "noSuchField")]
    public async Task ShouldNameTheFieldOrTheWholeBodyOfMalformedJsonOnEveryBodyRoute(string json, string field)
    {
        await using var host = await StartAsync();
        foreach (var route in BodyRoutes(host))
        {
            using var response = await SendAsync(host, route, new StringContent(json, Encoding.UTF8, "application/json"));
            var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, route);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{route.Operation} with {json}: {problem}");
        }
    }

    private static Task<TestHost> StartAsync(AzuriteFixture azurite) => TestHost.StartAsync(azurite, DateTimeOffset.UtcNow, TestTokens.Settings);

    private Task<TestHost> StartAsync() => StartAsync(azurite);

    /// <summary>Every route whose endpoint declares a JSON body, with its URL filled for user u001 and the live model.</summary>
    private static List<BodyRoute> BodyRoutes(TestHost host) =>
        [.. ApiEndpoints.Of(host.App)
            .Where(e => e.Metadata.GetMetadata<IJsonBodyMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(method => new BodyRoute(
                method,
                ApiEndpoints.Path(e),
                ApiEndpoints.Path(e).Replace("{userId}", "u001", StringComparison.Ordinal).Replace("{batchId}", "b1", StringComparison.Ordinal)
                    .Replace("{version}", "v1", StringComparison.Ordinal),
                e.Metadata.GetMetadata<IJsonBodyMetadata>()!)))];

    /// <summary>With every credential at once (partner key, admin key, u001's token): each route checks its own.</summary>
    private static async Task<HttpResponseMessage> SendAsync(TestHost host, BodyRoute route, HttpContent content)
    {
        using var request = host.Admin(new HttpMethod(route.Method), route.Url, content);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Mint("u001"));
        return await host.Http.SendAsync(request);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, BodyRoute route)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{route.Operation}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static void AssertProblem(RawChunked.Answer answer, HttpStatusCode expected, BodyRoute route)
    {
        Assert.True(answer.Status == (int)expected, $"{route.Operation}: {answer.Status} {answer.Body}");
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal((int)expected, JsonDocument.Parse(answer.Body).RootElement.GetProperty("status").GetInt32());
    }

    private sealed record BodyRoute(string Method, string Path, string Url, IJsonBodyMetadata Body)
    {
        public string Operation => $"{Method} {Path}";
    }

}

/// <summary>
/// A chunked POST or PUT over a bare connection that reads the answer while it sends, and stops sending once the answer
/// is in. A server that refuses a body early closes the connection without reading the rest; HttpClient may then report
/// the broken write instead of the answer it already has, so a test of early refusals cannot rely on it.
/// </summary>
internal static class RawChunked
{
    private const int ChunkBytes = 64 * 1024;

    public sealed record Answer(int Status, string ContentType, string Body);

    /// <summary>Sends <paramref name="length"/> bytes of (unfinished) JSON with every credential a route may ask for.</summary>
    public static async Task<Answer> SendAsync(TestHost host, string method, string url, long length)
    {
        var address = host.Http.BaseAddress!;
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var stream = client.GetStream();
        var head = $"{method} {url} HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            + $"{PartnerGate.KeyHeader}: {host.PartnerKey}\r\n{LocalApp.AdminKeyHeader}: {TestHost.AdminKey}\r\nAuthorization: Bearer {TestTokens.Mint("u001")}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var answer = ReadAnswerAsync(stream);
        var chunk = Encoding.ASCII.GetBytes($"{ChunkBytes:x}\r\n[" + new string(' ', ChunkBytes - 1) + "\r\n");
        try
        {
            for (var sent = 0L; sent < length && !answer.IsCompleted; sent += ChunkBytes)
            {
                await stream.WriteAsync(chunk);
            }

            if (!answer.IsCompleted)
            {
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
            }
        }
        catch (IOException)
        {
            // The server closed the connection: it has answered, and the answer is being read.
        }

        return await answer.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>The status line, the headers and the body (by Content-Length or chunked) of the first answer.</summary>
    private static async Task<Answer> ReadAnswerAsync(Stream stream)
    {
        var reader = new Reader(stream);
        var status = int.Parse((await reader.LineAsync()).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var line = await reader.LineAsync(); line.Length > 0; line = await reader.LineAsync())
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }

        var body = new MemoryStream();
        if (headers.TryGetValue("Content-Length", out var contentLength))
        {
            await reader.CopyAsync(body, int.Parse(contentLength, System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            for (var size = Convert.ToInt32(await reader.LineAsync(), 16); size > 0; size = Convert.ToInt32(await reader.LineAsync(), 16))
            {
                await reader.CopyAsync(body, size);
                await reader.LineAsync();
            }
        }

        return new Answer(status, headers.GetValueOrDefault("Content-Type", string.Empty), Encoding.UTF8.GetString(body.ToArray()));
    }

    /// <summary>Reads lines and counted bytes from a stream, buffering what it read ahead.</summary>
    private sealed class Reader(Stream stream)
    {
        private readonly byte[] buffer = new byte[8192];
        private int start;
        private int end;

        public async Task<string> LineAsync()
        {
            var line = new StringBuilder();
            while (true)
            {
                if (start == end && !await FillAsync())
                {
                    return line.ToString();
                }

                var c = (char)buffer[start++];
                if (c == '\n')
                {
                    return line.ToString().TrimEnd('\r');
                }

                line.Append(c);
            }
        }

        public async Task CopyAsync(Stream target, int count)
        {
            while (count > 0 && (start < end || await FillAsync()))
            {
                var take = Math.Min(count, end - start);
                target.Write(buffer, start, take);
                start += take;
                count -= take;
            }
        }

        private async Task<bool> FillAsync()
        {
            start = 0;
            end = await stream.ReadAsync(buffer);
            return end > 0;
        }
    }
}
