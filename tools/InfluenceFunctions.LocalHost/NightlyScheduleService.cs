using InfluenceFunctions.Api;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using Microsoft.DurableTask.Client;

namespace InfluenceFunctions.LocalHost;

/// <summary>The local host's stand-in for the Functions timer: same CRON setting, same start logic.</summary>
internal sealed class NightlyScheduleService(
    RunSchedule schedule,
    NightlyRunScheduler scheduler,
    DurableTaskClient client,
    TimeProvider clock,
    ILogger<NightlyScheduleService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = schedule.NextRunAfter(clock.GetUtcNow());
            var wait = next - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock, stoppingToken);
            }

            var night = scheduler.NightToScore();
            var (instanceId, started) = await scheduler.StartScheduledAsync(client, night, stoppingToken);
            logger.LogInformation("Nightly schedule fired for {Night}: {InstanceId} {Action}", night, instanceId, started ? "started" : "already exists");
        }
    }
}
