using System.Text.Json.Serialization;
using System.Text.Json;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage.Webhooks;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Api.Webhooks;

/// <summary>
/// Admin: POST v1/manage/models/{version}/announce announces a planned switch of the live model to {version} to every
/// endpoint subscribed to model.version.changed, with that version's latest shadow diff report. Optional body:
/// {"plannedSwitchUtc": "...", "note": "..."}. The same report announced again sends nothing new.
/// </summary>
public sealed class WebhookAnnouncementHandler(NightlyRunService runs, ScoreModels models, WebhookDispatcher dispatcher, IOptions<InfluenceOptions> influence, TimeProvider clock)
{
    public const int MaxNoteLength = 500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };

    public async Task<IResult> AnnounceAsync(string version, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (PartnerInput.UnknownQuery(request) is { } queryProblem)
        {
            return queryProblem;
        }

        AnnounceRequest? input = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            if (!request.HasJsonContentType())
            {
                return PartnerProblems.UnsupportedMediaType("Send the body as application/json: {\"plannedSwitchUtc\": \"...\", \"note\": \"...\"}, or no body.");
            }

            try
            {
                input = await JsonSerializer.DeserializeAsync<AnnounceRequest>(request.Body, Json, cancellationToken);
            }
            catch (JsonException e)
            {
                var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
                return Problems.Invalid(field, "Malformed JSON, or a value of the wrong type: send {\"plannedSwitchUtc\": \"2026-12-01T02:00:00Z\", \"note\": \"...\"}.");
            }
        }

        if (input?.Note is { } note && (note.Length > MaxNoteLength || note.Any(c => char.IsControl(c) && c != '\n')))
        {
            return Problems.Invalid("note", $"At most {MaxNoteLength} characters.");
        }

        if (!models.Contains(version))
        {
            return Problems.NotFound($"No score model has version '{PartnerInput.Printable(version)}'.");
        }

        var live = influence.Value.LiveModelVersion;
        if (string.Equals(version, live, StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Invalid("version", $"'{version}' is already the live model.");
        }

        if (await runs.LatestShadowReportAsync(version, cancellationToken) is not { } latest)
        {
            return Problems.NotFound($"Model '{version}' has not run in shadow yet (set Influence:ShadowModelVersion): there is no report to announce with.");
        }

        var sent = await dispatcher.AnnounceAsync(live, version, latest.Day, latest.Report, clock.GetUtcNow(), input?.PlannedSwitchUtc, input?.Note, cancellationToken);
        return TypedResults.Accepted((string?)null, new { currentVersion = live, nextVersion = version, shadowReportDay = latest.Day, endpointsNotified = sent });
    }
}

public sealed record AnnounceRequest(DateTimeOffset? PlannedSwitchUtc, string? Note);
