using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Webhooks;

namespace InfluenceFunctions.Workflows.Webhooks;

/// <summary>
/// The local host's stand-in for the Functions queue trigger: receives delivery messages, runs the same
/// <see cref="WebhookDeliveryProcessor"/>, and deletes a message once it has been handled. A message whose processing
/// throws becomes visible again; after <see cref="MaxDequeueCount"/> tries it goes to the poison queue, as the
/// Functions host does (host.json: extensions.queues.maxDequeueCount = 8).
/// </summary>
public sealed partial class WebhookQueuePoller(WebhookStore store, WebhookDeliveryProcessor processor, IOptions<WebhookOptions> options, ILogger<WebhookQueuePoller> logger) : BackgroundService
{
    public const int MaxDequeueCount = 8;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.CreateIfNotExistsAsync(stoppingToken);
                QueueMessage[] messages = await store.Queue.ReceiveMessagesAsync(32, settings.Timeout + TimeSpan.FromSeconds(30), stoppingToken);
                if (messages.Length == 0)
                {
                    await Task.Delay(settings.PollInterval, stoppingToken);
                    continue;
                }

                await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = settings.PollerConcurrency, CancellationToken = stoppingToken }, HandleAsync);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException)
            {
                LogPollFailed(logger, e);
                await Task.Delay(settings.PollInterval, stoppingToken);
            }
        }
    }

    private async ValueTask HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            if (message.DequeueCount > MaxDequeueCount)
            {
                await store.PoisonQueue.SendMessageAsync(message.MessageText, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: cancellationToken);
            }
            else
            {
                await processor.ProcessAsync(message.MessageText, message.MessageId, cancellationToken);
            }

            await store.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogProcessFailed(logger, message.MessageId, e); // It becomes visible again and is retried.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling the webhook queue failed")]
    private static partial void LogPollFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook message {MessageId} failed; it will be retried")]
    private static partial void LogProcessFailed(ILogger logger, string messageId, Exception e);
}
