using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Auth;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Ingestion;
using InfluenceFunctions.Storage.Topics;
using InfluenceFunctions.Workflows.Topics;

namespace InfluenceFunctions.Api.Topics;

/// <summary>
/// POST /v1/users/{userId}/plusk (give +K, as that user) and GET (what is left today). Refusals write nothing:
/// 401/403 for who is asking, 400 for a malformed body, oneself or an unknown receiver, 404 for an unknown topic,
/// 403 for a giver who is not scored, 429 with the reset time for a limit.
/// </summary>
public sealed class PlusKHandler(PlusKService plusK, TopicOntology ontology, UserTokenValidator tokens, TimeProvider clock)
{
    private const long MaxBodyBytes = 4096;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public async Task<IResult> GiveAsync(string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IngestionValidator.ValidateUserId(userId) is { } userError)
        {
            return Problems.Invalid("userId", userError);
        }

        if (await UserProblems.RequireSelfAsync(tokens, request, userId) is { } refusal)
        {
            return refusal;
        }

        var body = await RequestBodies.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.TooLarge($"A +K body is at most {MaxBodyBytes} bytes.");
        }

        PlusKRequest? gift;
        try
        {
            gift = JsonSerializer.Deserialize<PlusKRequest>(body, Json);
        }
        catch (JsonException e)
        {
            return Problems.Invalid(RequestBodies.FieldOf(e), "Malformed JSON: " + RequestBodies.FirstSentence(e.Message));
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (gift is null)
        {
            errors["body"] = ["The body must be a JSON object {\"receiver\": ..., \"topic\": ...}."];
        }
        else
        {
            if (IngestionValidator.ValidateUserId(gift.Receiver) is { } receiverError)
            {
                errors["receiver"] = [receiverError];
            }
            else if (gift.Receiver == userId)
            {
                errors["receiver"] = ["No +K to oneself."];
            }

            if (string.IsNullOrWhiteSpace(gift.Topic))
            {
                errors["topic"] = ["The topic id is required (GET /api/v1/topics lists them)."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid("The +K was refused; nothing was written.", errors);
        }

        if (ontology.Find(gift!.Topic) is not { } topic)
        {
            return Problems.NotFound($"No topic '{gift.Topic}'. GET /api/v1/topics lists them.");
        }

        if (await plusK.StandingAsync(gift.Receiver!, cancellationToken) == UserStanding.Unknown)
        {
            return Problems.Invalid("receiver", $"No user '{gift.Receiver}'.");
        }

        if (await plusK.StandingAsync(userId, cancellationToken) != UserStanding.Scored)
        {
            return UserProblems.Forbidden("Only a scored user can give +K; this user has no score yet.");
        }

        var outcome = await plusK.GiveAsync(userId, gift.Receiver!, topic.Id, cancellationToken);
        return outcome.Refusal switch
        {
            PlusKRefusal.DailyLimit => UserProblems.TooManyRequests(
                $"At most {PlusKService.DailyLimit} +K per day; the limit resets at midnight UTC.",
                outcome.ResetsUtc,
                clock.GetUtcNow(),
                new Dictionary<string, object?> { ["limit"] = "daily", ["remainingToday"] = 0 }),
            PlusKRefusal.PairLimit => UserProblems.TooManyRequests(
                $"One +K per receiver and topic every {PlusKService.PairWindow.TotalDays:0} days; '{gift.Receiver}' already has yours in '{topic.Id}'.",
                outcome.ResetsUtc,
                clock.GetUtcNow(),
                new Dictionary<string, object?> { ["limit"] = "receiver-topic", ["remainingToday"] = outcome.RemainingToday }),
            _ => TypedResults.Ok(new
            {
                giver = userId,
                receiver = gift.Receiver,
                topic = topic.Id,
                givenUtc = outcome.Gift!.GivenUtc,
                outcome.RemainingToday,
                outcome.ResetsUtc,
            }),
        };
    }

    public async Task<IResult> GetAsync(string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IngestionValidator.ValidateUserId(userId) is { } userError)
        {
            return Problems.Invalid("userId", userError);
        }

        if (await UserProblems.RequireSelfAsync(tokens, request, userId) is { } refusal)
        {
            return refusal;
        }

        var (remaining, resets, recent) = await plusK.StatusAsync(userId, cancellationToken);
        return TypedResults.Ok(new
        {
            userId,
            remainingToday = remaining,
            dailyLimit = PlusKService.DailyLimit,
            resetsUtc = resets,
            recent = recent.Select(g => new { g.Receiver, g.Topic, g.GivenUtc }),
        });
    }

    private sealed record PlusKRequest(string? Receiver, string? Topic);
}
