using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.Json;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.Runs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace InfluenceFunctions.Api.Runs;

/// <summary>Admin endpoints: start a nightly run on demand (202 + status URL) and read a run's status.</summary>
public sealed class NightlyRunHandler(NightlyRunScheduler scheduler, NightlyRunService runs, RunRecords records, ScoreModels models)
{
    /// <summary>The start's query parameter.</summary>
    public static readonly IReadOnlyList<ApiParameterMetadata> StartQuery =
    [
        new("day", ApiParameterPlace.Query, "The night to score, yyyy-MM-dd (default: the last complete day).", "string", "date"),
    ];

    /// <summary>GET: the newest live-against-shadow diff report of a model version that ran in shadow.</summary>
    public async Task<Results<Ok<ShadowReportView>, NotFoundProblem>> GetShadowReportAsync(string version, CancellationToken cancellationToken)
    {
        if (!models.Contains(version))
        {
            return Problems.NotFound($"No score model has version '{version}'.");
        }

        var latest = await runs.LatestShadowReportAsync(version, cancellationToken);
        return latest is { } found
            ? TypedResults.Ok(new ShadowReportView(found.Day, found.Report))
            : Problems.NotFound($"Model '{version}' has not run in shadow yet (set Influence:ShadowModelVersion).");
    }

    /// <summary>POST: optional query "day" (yyyy-MM-dd, defaults to the last complete day).</summary>
    public async Task<Results<Accepted<RunStartedView>, ValidationProblem, ConflictProblem>> StartAsync(HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (PartnerInput.UnknownQuery(request, StartQuery) is { } queryProblem)
        {
            return queryProblem;
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

        return TypedResults.Accepted(statusUrl, new RunStartedView(start.InstanceId, day, statusUrl));
    }

    public async Task<Results<Ok<RunStatusView>, ValidationProblem, NotFoundProblem>> GetAsync(string day, DurableTaskClient client, CancellationToken cancellationToken)
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

        return TypedResults.Ok(new RunStatusView(
            night,
            NightlyRunOrchestrator.InstanceIdFor(night),
            instance?.RuntimeStatus,
            instance?.SerializedCustomStatus is { } status ? JsonSerializer.Deserialize<RunProgress>(status, JsonSerializerOptions.Web) : null,
            // Through the gRPC sidecar on Azure Storage a failed instance has no FailureDetails: its output is the message.
            instance?.FailureDetails?.ErrorMessage ?? (instance?.RuntimeStatus == OrchestrationRuntimeStatus.Failed ? instance.SerializedOutput : null),
            record is null ? null : new RunRecordView(
                record.RunStatus,
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
                record.FailureReason)));
    }
}

public sealed record ShadowReportView(DateOnly Day, ShadowDiffReport Report);

public sealed record RunStartedView(string InstanceId, DateOnly Day, string StatusUrl);

/// <summary>A run as the durable engine and the run record see it; either may be missing (not started, or record not written yet).</summary>
public sealed record RunStatusView(
    DateOnly Day,
    string InstanceId,
    [property: JsonConverter(typeof(JsonStringEnumConverter<OrchestrationRuntimeStatus>))] OrchestrationRuntimeStatus? RuntimeStatus,
    RunProgress? Progress,
    string? Failure,
    RunRecordView? Record);

/// <summary>The run record's figures (docs/storage.md).</summary>
public sealed record RunRecordView(
    RunStatus Status,
    string ModelVersion,
    int Shards,
    DateTimeOffset StartedUtc,
    DateTimeOffset? CompletedUtc,
    double DurationSeconds,
    int UsersScored,
    int UsersUnscored,
    int UsersSkipped,
    long StorageTransactions,
    long StorageRetries,
    double TransactionsPerUser,
    string? FailedStep,
    string? FailureReason);
