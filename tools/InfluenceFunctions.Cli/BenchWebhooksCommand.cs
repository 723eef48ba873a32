using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.Webhooks;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage.Webhooks;
using InfluenceFunctions.Workflows.Webhooks;

namespace InfluenceFunctions.Cli;

/// <summary>
/// bench-webhooks: a fresh Azurite and the local host, a receiver on loopback answering 204, one endpoint registered
/// over the API; N events are written to the outbox and queued the way the nightly dispatch does, and the local
/// host's poller (started once all are queued) delivers them (the same processor as the Functions queue trigger: read endpoint and event, sign,
/// POST, write state and attempt log, delete the message). Reports queueing and end-to-end delivery rates.
/// </summary>
internal static class BenchWebhooksCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        int events = 2_000, concurrency = 32;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var ok = args[i] switch
            {
                "--events" => int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out events) && events > 0,
                "--concurrency" => int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out concurrency) && concurrency is > 0 and <= 256,
                _ => false,
            };
            if (!ok)
            {
                await Console.Error.WriteLineAsync("usage: influence bench-webhooks [--events N] [--concurrency C]");
                return 2;
            }
        }

        var received = 0;
        var receiverBuilder = WebApplication.CreateSlimBuilder();
        receiverBuilder.Logging.ClearProviders();
        receiverBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receiver = receiverBuilder.Build();
        receiver.MapPost("/hook", () =>
        {
            Interlocked.Increment(ref received);
            return Results.NoContent();
        });
        await receiver.StartAsync();
        var hookUrl = receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";

        await using var environment = await LocalEnvironment.StartAsync(8, new Dictionary<string, string?>
        {
            ["Webhooks:AllowedHttpHosts:0"] = "127.0.0.1",
            ["Webhooks:PollerConcurrency"] = concurrency.ToString(CultureInfo.InvariantCulture),
            ["Webhooks:PollInterval"] = "00:00:00.020",
            ["LocalHost:RunWebhooks"] = "false", // The poller starts once everything is queued, so the two phases are timed apart.
        });
        var services = environment.App.Services;
        var (_, apiKey) = await services.GetRequiredService<ApiKeyStore>().CreateAsync("bench", 1_000_000, 100_000_000, CancellationToken.None);
        var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Add(PartnerGate.KeyHeader, apiKey);
        using var created = await http.PostAsJsonAsync("/api/v1/webhooks/endpoints", new { url = hookUrl, eventTypes = new[] { WebhookEventType.ScoreChanged.Name() } });
        var endpoint = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("endpoint").GetProperty("id").GetString()!;
        var keyId = (await services.GetRequiredService<WebhookStore>().ListEndpointsAsync(null, CancellationToken.None)).Single().PartnerId;

        var day = environment.Night;
        var outbox = services.GetRequiredService<WebhookOutbox>();
        var rows = Enumerable.Range(0, events).Select(i => new OutboxEvent(keyId, endpoint, WebhookEventIds.For(day, $"user{i}", WebhookEventType.ScoreChanged.Name(), endpoint), WebhookEventType.ScoreChanged, $"user{i}",
            WebhookOutbox.Payload(WebhookEventType.ScoreChanged, DateTimeOffset.UtcNow, new { userId = $"user{i}", day, previousScore = 40, score = 47, change = 7 }))).ToList();
        var watch = Stopwatch.StartNew();
        await outbox.WriteAsync(rows, CancellationToken.None);
        var written = watch.Elapsed;
        var (from, to) = WebhookEventIds.DayRange(day);
        await outbox.EnqueuePendingAsync(endpoint, from, to, CancellationToken.None);
        var queued = watch.Elapsed;
        using var poller = ActivatorUtilities.CreateInstance<WebhookQueuePoller>(services);
        await poller.StartAsync(CancellationToken.None);
        while (Volatile.Read(ref received) < events)
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(10))
            {
                await Console.Error.WriteLineAsync($"only {received} of {events} delivered after 10 minutes");
                return 1;
            }

            await Task.Delay(20);
        }

        var delivered = watch.Elapsed;
        await poller.StopAsync(CancellationToken.None);
        Console.WriteLine($"events: {events:N0}, poller concurrency {concurrency}, Azurite + loopback receiver, {Environment.ProcessorCount} cores");
        Console.WriteLine($"outbox write (100-entity transactions): {written.TotalSeconds:F2} s = {events / written.TotalSeconds:N0} events/s");
        Console.WriteLine($"queueing (one message each + marks):  {(queued - written).TotalSeconds:F2} s = {events / (queued - written).TotalSeconds:N0} events/s");
        Console.WriteLine($"delivery (poller: receive, read endpoint and event, sign, POST, state + attempt log, delete): {(delivered - queued).TotalSeconds:F2} s = {events / (delivered - queued).TotalSeconds:N0} deliveries/s");
        Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Split(' ')[0]} (this machine is shared)");
        return 0;
    }
}
