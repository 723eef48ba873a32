using System.Globalization;
using System.Text.Json;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.Runs;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace InfluenceFunctions.Api.Runs;

/// <summary>Admin endpoints: start a nightly run on demand (202 + status URL) and read a run's status.</summary>
public sealed class NightlyRunHandler(NightlyRunScheduler scheduler, NightlyRunService runs, RunRecords records, ScoreModels models)
{
    /// <summary>GET: the newest live-against-shadow diff report of a model version that ran in shadow.</summary>
    public async Task<IResult> GetShadowReportAsync(string version, CancellationToken cancellationToken)
    {
        if (!models.Contains(version))
        {
            return Problems.NotFound($"No score model has version '{version}'.");
        }

        var latest = await runs.LatestShadowReportAsync(version, cancellationToken);
        return latest is { } found
            ? TypedResults.Ok(new { day = found.Day, report = found.Report })
            : Problems.NotFound($"Model '{version}' has not run in shadow yet (set Influence:ShadowModelVersion).");
    }

    /// <summary>POST: optional query "day" (yyyy-MM-dd, defaults to the last complete day).</summary>
    public async Task<IResult> StartAsync(HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var unknown = request.Query.Keys.Where(k => k != "day").ToList();
        if (unknown.Count > 0)
        {
            return Problems.Invalid(unknown[0], $"Unknown query parameter '{unknown[0]}'. Known: day.");
        }

        var day = scheduler.NightToScore();
        if (request.Query.TryGetValue("day", out var dayText)
            && !DateOnly.TryParseExact(dayText.ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            return Problems.Invalid("day", "The day must be a date as yyyy-MM-dd.");
        }

        if (day > scheduler.NightToScore())
        {
            return Problems.Invalid("day", $"The day {day:yyyy-MM-dd} is not complete yet; the latest night that can run is {scheduler.NightToScore():yyyy-MM-dd}.");
        }

        if (day < scheduler.OldestNightToScore())
        {
            return Problems.Invalid("day", $"The day {day:yyyy-MM-dd} is older than the {SignalRetention.Days}-day signal window; the oldest night that can run is {scheduler.OldestNightToScore():yyyy-MM-dd}.");
        }

        var start = await scheduler.StartOnDemandAsync(client, day, cancellationToken);
        var statusUrl = $"/{ApiRoutes.Prefix}/{ApiRoutes.Run.Replace("{day}", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), StringComparison.Ordinal)}";
        if (!start.Started)
        {
            return Problems.Conflict($"The run for {day:yyyy-MM-dd} is in progress; see {statusUrl}.");
        }

        return TypedResults.Accepted(statusUrl, new { instanceId = start.InstanceId, day, statusUrl });
    }

    public async Task<IResult> GetAsync(string day, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var night))
        {
            return Problems.Invalid("day", "The day must be a date as yyyy-MM-dd.");
        }

        var instance = await client.GetInstanceAsync(NightlyRunOrchestrator.InstanceIdFor(night), getInputsAndOutputs: true, cancellationToken);
        var record = await records.GetAsync(night, cancellationToken);
        if (instance is null && record is null)
        {
            return Problems.NotFound($"No nightly run for {day}.");
        }

        return TypedResults.Ok(new
        {
            day = night,
            instanceId = NightlyRunOrchestrator.InstanceIdFor(night),
            runtimeStatus = instance?.RuntimeStatus.ToString(),
            progress = instance?.SerializedCustomStatus is { } status ? JsonSerializer.Deserialize<RunProgress>(status, JsonSerializerOptions.Web) : null,
            // Through the gRPC sidecar on Azure Storage a failed instance has no FailureDetails: its output is the message.
            failure = instance?.FailureDetails?.ErrorMessage ?? (instance?.RuntimeStatus == OrchestrationRuntimeStatus.Failed ? instance.SerializedOutput : null),
            record = record is null ? null : new
            {
                record.Status,
                record.ModelVersion,
                record.Shards,
                record.StartedUtc,
                record.CompletedUtc,
                record.DurationSeconds,
                record.UsersScored,
                record.UsersUnscored,
                record.UsersSkipped,
                record.StorageTransactions,
                record.StorageRetries,
                record.TransactionsPerUser,
                record.FailedStep,
                record.FailureReason,
            },
        });
    }
}
