using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace InfluenceFunctions.Api.Http;

/// <summary>How every JSON body is read: web names, no unknown member, numbers only as numbers.</summary>
public static class JsonBodies
{
    /// <summary>Sets the reading rules on <paramref name="options"/> (the body reader's own, and the OpenAPI schemas').</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        return options;
    }
}

/// <summary>What a route's JSON body is, for its endpoint metadata (the OpenAPI request body, and tests that find every body route).</summary>
public interface IJsonBodyMetadata
{
    Type BodyType { get; }

    long MaxBytes { get; }

    bool Optional { get; }
}

/// <summary>
/// The one reader of a JSON request body, for every route that takes one. In order: the content type must be JSON
/// (else 415); the body is counted as it streams and refused past <see cref="MaxBytes"/> (413), so a chunked body,
/// which has no Content-Length, is held to the same limit and never reaches the server's own limit (which would be a
/// 500); then it must parse as <typeparamref name="T"/> with no unknown member (400 naming the field, or "body" when
/// the whole body is wrong). Each route declares its own instance, which its endpoint metadata also carries.
/// </summary>
/// <param name="name">What the body is, for the 413's detail ("A key request").</param>
/// <param name="maxBytes">The route's own limit.</param>
/// <param name="shape">An example of the body, named in the 400 and 415 details.</param>
/// <param name="optional">True when the route also takes no body at all.</param>
public sealed class JsonBody<T>(string name, long maxBytes, string shape, bool optional = false) : IJsonBodyMetadata
    where T : class
{
    private const int ChunkBytes = 16 * 1024;

    private static readonly JsonSerializerOptions Json = JsonBodies.Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public string Name { get; } = name;

    public long MaxBytes { get; } = maxBytes > 0 ? maxBytes : throw new ArgumentOutOfRangeException(nameof(maxBytes), "A body limit is at least one byte.");

    public string Shape { get; } = shape;

    public bool Optional { get; } = optional;

    public Type BodyType => typeof(T);

    /// <summary>
    /// Reads the body and hands it to <paramref name="handle"/>, or answers <paramref name="refuse"/>'s result for the
    /// refusal: the refusal as the route's own result type, which lists <see cref="BodyProblem"/> (<c>refused =&gt; refused</c>).
    /// </summary>
    public Task<TResult> ReadAsync<TResult>(HttpRequest request, Func<T, Task<TResult>> handle, Func<BodyProblem, TResult> refuse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return ReadAsync(request, (value, _) => handle(value), refuse, cancellationToken);
    }

    /// <summary>As the other overload, with the body's bytes too (what an idempotent route hashes).</summary>
    public async Task<TResult> ReadAsync<TResult>(HttpRequest request, Func<T, byte[], Task<TResult>> handle, Func<BodyProblem, TResult> refuse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(refuse);
        if (Optional)
        {
            throw new InvalidOperationException($"{Name} is optional: read it with {nameof(ReadOptionalAsync)}.");
        }

        var read = await ReadBodyAsync(request, cancellationToken);
        return read.Problem is { } refused ? refuse(refused) : await handle(read.Value!, read.Bytes);
    }

    /// <summary>As <see cref="ReadAsync{TResult}(HttpRequest, Func{T, Task{TResult}}, Func{BodyProblem, TResult}, CancellationToken)"/>, for an optional body: null when none was sent.</summary>
    public async Task<TResult> ReadOptionalAsync<TResult>(HttpRequest request, Func<T?, Task<TResult>> handle, Func<BodyProblem, TResult> refuse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(refuse);
        if (!Optional)
        {
            throw new InvalidOperationException($"{Name} is required: read it with {nameof(ReadAsync)}.");
        }

        var read = await ReadBodyAsync(request, cancellationToken);
        return read.Problem is { } refused ? refuse(refused) : await handle(read.Value);
    }

    private async Task<BodyRead> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Optional && !HasBody(request))
        {
            return new BodyRead(null, [], null);
        }

        if (!request.HasJsonContentType())
        {
            return Refuse(Problems.Of(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", $"Send the body as application/json: {Shape}."));
        }

        byte[] bytes;
        try
        {
            if (await ReadAtMostAsync(request, MaxBytes, cancellationToken) is not { } read)
            {
                return TooLarge();
            }

            bytes = read;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(); // The server's own limit, should it be the lower one.
        }
        catch (BadHttpRequestException e)
        {
            return Refuse(Problems.Of(e.StatusCode, "Bad request.", "The request body could not be read: " + e.Message));
        }

        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(bytes, Json);
        }
        catch (JsonException e)
        {
            return Invalid(FieldOf(e), $"Malformed JSON, or a value of the wrong type: {FirstSentence(e.Message)} Send {Shape}.");
        }

        return value is null ? Invalid("body", $"The body must be a JSON object: {Shape}.") : new BodyRead(value, bytes, null);
    }

    /// <summary>The body, or null once it is longer than <paramref name="maxBytes"/> (read no further than that).</summary>
    private static async Task<byte[]?> ReadAtMostAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? ChunkBytes, maxBytes));
        var chunk = new byte[ChunkBytes];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static bool HasBody(HttpRequest request) => request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0;

    /// <summary>The JSON path of the error as a field name; the whole body is "body".</summary>
    private static string FieldOf(JsonException e) => string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    private BodyRead TooLarge() =>
        Refuse(Problems.Of(StatusCodes.Status413PayloadTooLarge, "Request too large.", $"{Name} is at most {MaxBytes} bytes."));

    private static BodyRead Invalid(string field, string message) =>
        new(null, [], new BodyProblem(Problems.Invalid(field, message), StatusCodes.Status400BadRequest));

    private static BodyRead Refuse(IResult problem) =>
        new(null, [], new BodyProblem(problem, ((IStatusCodeHttpResult)problem).StatusCode ?? StatusCodes.Status400BadRequest));

    /// <summary>A body as read: the value and its bytes, or the refusal. An optional body not sent has neither.</summary>
    private sealed record BodyRead(T? Value, byte[] Bytes, BodyProblem? Problem);
}

/// <summary>Declares a route's JSON body on its endpoint, from the same <see cref="JsonBody{T}"/> the handler reads it with.</summary>
public static class JsonBodyEndpoints
{
    public static RouteHandlerBuilder WithJsonBody<T>(this RouteHandlerBuilder builder, JsonBody<T> body)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(body);
        return builder.WithMetadata(body, new AcceptsMetadata(["application/json"], typeof(T), body.Optional));
    }
}
