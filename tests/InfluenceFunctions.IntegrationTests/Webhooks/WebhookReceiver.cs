using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.IntegrationTests.Webhooks;

/// <summary>How the receiver answers one request.</summary>
public enum Answer
{
    Ok,
    ServerError,
    Timeout,
    Drop,
    TooManyRequests,
    Gone,
}

/// <summary>
/// A partner's receiver on loopback (Kestrel on 127.0.0.1:0). It checks every signature with its own HMAC code (not the
/// service's), deduplicates by webhook-id as Standard Webhooks asks, and answers as the test's plan says.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;

    private WebhookReceiver(WebApplication app) => this.app = app;

    /// <summary>Signing secrets the receiver accepts (any one valid signature passes).</summary>
    public ConcurrentBag<string> Secrets { get; } = [];

    /// <summary>(event id, attempt seen by the receiver, 1-based) -> answer; default Ok.</summary>
    public Func<string, int, Answer> Plan { get; set; } = (_, _) => Answer.Ok;

    public ConcurrentDictionary<string, int> Requests { get; } = new();

    /// <summary>Event ids processed (the first valid 2xx answer for each), with the body.</summary>
    public ConcurrentDictionary<string, string> Accepted { get; } = new();

    public ConcurrentDictionary<string, int> AcceptedCount { get; } = new();

    public ConcurrentBag<string> BadSignatures { get; } = [];

    /// <summary>
    /// Runs when a request's signature fails, before the 401 goes back: a test that changes the receiver in answer to a
    /// refusal does it here, so the sender's next attempt meets the change however slowly the test's own thread runs.
    /// </summary>
    public Action<string>? OnBadSignature { get; set; }

    public ConcurrentBag<string> SignatureHeaders { get; } = [];

    public int Duplicates;

    public string Url { get; private set; } = string.Empty;

    /// <summary>Forgets everything received so far (the plan and secrets stay): for a second run of the same events.</summary>
    public void Reset()
    {
        Requests.Clear();
        Accepted.Clear();
        AcceptedCount.Clear();
        Interlocked.Exchange(ref Duplicates, 0);
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var id = context.Request.Headers["webhook-id"].ToString();
        var timestamp = context.Request.Headers["webhook-timestamp"].ToString();
        var signatures = context.Request.Headers["webhook-signature"].ToString();
        SignatureHeaders.Add(signatures);
        var attempt = Requests.AddOrUpdate(id, 1, (_, n) => n + 1);
        switch (Plan(id, attempt))
        {
            case Answer.ServerError:
                context.Response.StatusCode = 500;
                return;
            case Answer.Timeout:
                // Hold the request until the sender gives up (however long its timeout and however slow the machine),
                // then answer too late.
                try
                {
                    await Task.Delay(TimeSpan.FromMinutes(2), context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }

                context.Response.StatusCode = 200;
                return;
            case Answer.Drop:
                context.Abort();
                return;
            case Answer.TooManyRequests:
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                return;
            case Answer.Gone:
                context.Response.StatusCode = 410;
                return;
        }

        if (!Verify(id, timestamp, body, signatures))
        {
            BadSignatures.Add(id);
            OnBadSignature?.Invoke(id);
            context.Response.StatusCode = 401;
            return;
        }

        AcceptedCount.AddOrUpdate(id, 1, (_, n) => n + 1);
        if (!Accepted.TryAdd(id, Encoding.UTF8.GetString(body)))
        {
            Interlocked.Increment(ref Duplicates); // Seen before: acknowledge, do not process again.
        }

        context.Response.StatusCode = 204;
    }

    /// <summary>The receiver's own Standard Webhooks check: HMAC-SHA256 over "id.timestamp.body" with the decoded secret.</summary>
    private bool Verify(string id, string timestamp, byte[] body, string header)
    {
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        foreach (var secret in Secrets)
        {
            var expected = Encoding.ASCII.GetBytes("v1," + Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(secret["whsec_".Length..]), signed)));
            foreach (var presented in header.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(presented)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
