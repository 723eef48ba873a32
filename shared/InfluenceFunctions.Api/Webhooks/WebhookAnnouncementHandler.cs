using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using InfluenceFunctions.Workflows.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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

    /// <summary>The announcement's optional body: a note of at most 500 characters fits in 8 KiB however it is escaped.</summary>
    public static readonly JsonBody<AnnounceRequest> Body = new(
        "An announcement body", 8 * 1024, "{\"plannedSwitchUtc\": \"2026-12-01T02:00:00Z\", \"note\": \"...\"}, or no body", optional: true);

    public Task<Results<Accepted<AnnouncementView>, ValidationProblem, BodyProblem, NotFoundProblem>> AnnounceAsync(string version, HttpRequest request, CancellationToken cancellationToken) =>
        Body.ReadOptionalAsync(request, input => AnnounceAsync(version, request, input, cancellationToken), refused => refused, cancellationToken);

    private async Task<Results<Accepted<AnnouncementView>, ValidationProblem, BodyProblem, NotFoundProblem>> AnnounceAsync(
        string version, HttpRequest request, AnnounceRequest? input, CancellationToken cancellationToken)
    {
        if (PartnerInput.UnknownQuery(request) is { } queryProblem)
        {
            return queryProblem;
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
        return TypedResults.Accepted((string?)null, new AnnouncementView(live, version, latest.Day, sent));
    }
}

/// <summary>When the switch is planned and a note for partners, both optional.</summary>
public sealed record AnnounceRequest(DateTimeOffset? PlannedSwitchUtc = null, string? Note = null);

/// <summary>What was announced: from which live version to which, with the shadow report of which night, to how many endpoints.</summary>
public sealed record AnnouncementView(string CurrentVersion, string NextVersion, DateOnly ShadowReportDay, int EndpointsNotified);
