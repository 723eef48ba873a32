using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;

namespace InfluenceFunctions.Api.Partner;

/// <summary>
/// A score resource with its validators: a strong ETag (a hash of the body, so any change to the answer changes
/// it), Cache-Control until the answer can next change, and 304 for a matching If-None-Match.
/// </summary>
public sealed class CachedResource : IResult
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly byte[] body;
    private readonly string contentType;
    private readonly int maxAgeSeconds;

    private CachedResource(byte[] body, string contentType, TimeSpan maxAge)
    {
        this.body = body;
        this.contentType = contentType;
        maxAgeSeconds = (int)Math.Clamp(Math.Floor(maxAge.TotalSeconds), 0, int.MaxValue);
        ETag = "\"" + Convert.ToHexString(SHA256.HashData(body).AsSpan(0, 12)).ToLowerInvariant() + "\"";
    }

    public string ETag { get; }

    public static CachedResource JsonBody<T>(T value, TimeSpan maxAge) =>
        new(JsonSerializer.SerializeToUtf8Bytes(value, Json), "application/json; charset=utf-8", maxAge);

    public static CachedResource Text(string value, string contentType, TimeSpan maxAge) =>
        new(System.Text.Encoding.UTF8.GetBytes(value), contentType, maxAge);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.Headers.ETag = ETag;
        response.Headers.CacheControl = "private, max-age=" + maxAgeSeconds.ToString(CultureInfo.InvariantCulture);
        response.Headers.Vary = PartnerGate.KeyHeader;
        if (Matches(httpContext.Request.Headers.IfNoneMatch.ToString()))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }

    private bool Matches(string ifNoneMatch)
    {
        if (ifNoneMatch.Length == 0)
        {
            return false;
        }

        if (ifNoneMatch.Trim() == "*")
        {
            return true;
        }

        return EntityTagHeaderValue.TryParseList([ifNoneMatch], out var tags)
            && tags.Any(t => string.Equals(t.Tag.ToString(), ETag, StringComparison.Ordinal)); // Weak comparison (RFC 9110 13.1.2).
    }
}
