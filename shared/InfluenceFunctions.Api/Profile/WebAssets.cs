using System.Collections.Frozen;
using System.Security.Cryptography;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Partner;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace InfluenceFunctions.Api.Profile;

/// <summary>One file of web/: its bytes (embedded in this assembly), media type and a strong ETag.</summary>
public sealed record WebAsset(string Path, byte[] Content, string ContentType, string ETag);

/// <summary>
/// The pages under web/ (the profile page, the public card page), embedded in this assembly at build time so both hosts
/// serve the same bytes. Only files that exist are served (no path is ever joined onto a directory); every answer is
/// revalidated (ETag, no-cache) so a deployment shows at once, and HTML carries a strict Content-Security-Policy.
/// </summary>
public sealed class WebAssets
{
    /// <summary>Scripts and styles only from this origin; the API on this origin; the OIDC provider over https.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' https:; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    private const string ResourcePrefix = "web/";

    private static readonly FrozenDictionary<string, string> MediaTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".json"] = "application/json; charset=utf-8",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, WebAsset> files = Load();

    /// <summary>Every embedded file by its path under web/ ("profile/index.html").</summary>
    public IReadOnlyDictionary<string, WebAsset> Files => files;

    public WebAsset? Find(string path) => files.GetValueOrDefault(path);

    /// <summary>
    /// GET {folder}/{path}: the file, 304 when the ETag matches, a redirect from "{folder}" to "{folder}/" (the pages link
    /// relatively), index.html for the folder itself, and a 404 problem for anything else.
    /// </summary>
    public IResult Serve(string folder, string? path, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(path) && !request.Path.Value!.EndsWith('/'))
        {
            return TypedResults.Redirect(request.PathBase + request.Path + "/" + request.QueryString, permanent: true);
        }

        var key = folder + "/" + (string.IsNullOrEmpty(path) ? "index.html" : path);
        return files.TryGetValue(key, out var asset) ? new AssetResult(asset) : Problems.NotFound($"No file '{PartnerInput.Printable(key)}' in this site.");
    }

    /// <summary>The security headers every page answer carries (the card page sets them too).</summary>
    public static void SecureHeaders(HttpResponse response, string contentType)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        if (contentType.StartsWith("text/html", StringComparison.Ordinal))
        {
            response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
            response.Headers.XFrameOptions = "DENY";
        }
    }

    private static FrozenDictionary<string, WebAsset> Load()
    {
        var assembly = typeof(WebAssets).Assembly;
        var found = new Dictionary<string, WebAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            var path = name.Replace('\\', '/');
            if (!path.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !MediaTypes.TryGetValue(Path.GetExtension(path), out var mediaType))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var etag = "\"" + Convert.ToHexString(SHA256.HashData(bytes).AsSpan(0, 12)).ToLowerInvariant() + "\"";
            path = path[ResourcePrefix.Length..];
            found[path] = new WebAsset(path, bytes, mediaType, etag);
        }

        return found.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed class AssetResult(WebAsset asset) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.Headers.ETag = asset.ETag;
            response.Headers.CacheControl = "no-cache";
            SecureHeaders(response, asset.ContentType);
            var ifNoneMatch = httpContext.Request.Headers.IfNoneMatch.ToString();
            if (ifNoneMatch.Length > 0 && EntityTagHeaderValue.TryParseList([ifNoneMatch], out var tags) && tags.Any(t => t.Tag.ToString() == asset.ETag))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = asset.ContentType;
            response.ContentLength = asset.Content.Length;
            if (!HttpMethods.IsHead(httpContext.Request.Method))
            {
                await response.Body.WriteAsync(asset.Content, httpContext.RequestAborted);
            }
        }
    }
}
