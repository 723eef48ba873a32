using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using InfluenceFunctions.Api.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace InfluenceFunctions.Api.Partner;

/// <summary>
/// A score resource with its validators: a strong ETag (a hash of the body, so any change to the answer changes
/// it), Cache-Control until the answer can next change, and 304 for a matching If-None-Match. The typed subclasses
/// (<see cref="CachedJson{T}"/>, <see cref="CachedSvg"/>) declare what they answer as endpoint metadata.
/// </summary>
public abstract class CachedResource : IResult
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly byte[] body;
    private readonly string contentType;
    private readonly int maxAgeSeconds;

    private protected CachedResource(byte[] body, string contentType, TimeSpan maxAge)
    {
        this.body = body;
        this.contentType = contentType;
        maxAgeSeconds = (int)Math.Clamp(Math.Floor(maxAge.TotalSeconds), 0, int.MaxValue);
        ETag = "\"" + Convert.ToHexString(SHA256.HashData(body).AsSpan(0, 12)).ToLowerInvariant() + "\"";
    }

    public string ETag { get; }

    public static CachedJson<T> JsonBody<T>(T value, TimeSpan maxAge) => new(JsonSerializer.SerializeToUtf8Bytes(value, Json), maxAge);

    /// <summary>A <typeparamref name="T"/> already serialized (UTF-8 JSON).</summary>
    internal static CachedJson<T> Serialized<T>(byte[] json, TimeSpan maxAge) => new(json, maxAge);

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

    /// <summary>The metadata every cached answer shares: 200 with its validators, 304, and the If-None-Match it reads.</summary>
    private protected static void Declare(EndpointBuilder builder, Type type, string contentType)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, type, [contentType]) { Description = "OK" });
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified) { Description = "Not modified since the ETag given in If-None-Match." });
        builder.Metadata.Add(new ResponseHeaderMetadata(StatusCodes.Status200OK, "ETag", "Strong validator of this answer; send it back in If-None-Match."));
        builder.Metadata.Add(new ResponseHeaderMetadata(StatusCodes.Status200OK, "Cache-Control", "`private, max-age=N`: N seconds until the answer can next change (the next nightly run)."));
        builder.Metadata.Add(new ApiParameterMetadata("If-None-Match", ApiParameterPlace.Header, "An ETag from an earlier answer: 304 when unchanged."));
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

/// <summary>A cached JSON answer of type <typeparamref name="T"/>.</summary>
public sealed class CachedJson<T> : CachedResource, IEndpointMetadataProvider
{
    internal CachedJson(byte[] json, TimeSpan maxAge)
        : base(json, "application/json; charset=utf-8", maxAge)
    {
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, typeof(T), "application/json");
}

/// <summary>A cached SVG image (the media-kit card).</summary>
public sealed class CachedSvg : CachedResource, IEndpointMetadataProvider
{
    internal CachedSvg(string svg, TimeSpan maxAge)
        : base(System.Text.Encoding.UTF8.GetBytes(svg), "image/svg+xml; charset=utf-8", maxAge)
    {
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, typeof(string), "image/svg+xml");
}
