using InfluenceFunctions.Api.Auth;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage.Topics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InfluenceFunctions.Api.Topics;

/// <summary>
/// POST /v1/users/{userId}/plusk (give +K, as that user) and GET (what is left today). Refusals write nothing:
/// 401/403 for who is asking, 400 for a malformed body, oneself or an unknown receiver, 404 for an unknown topic,
/// 403 for a giver who is not scored, 429 with the reset time for a limit.
/// </summary>
public sealed class PlusKHandler(PlusKService plusK, TopicOntology ontology, UserTokenValidator tokens, TimeProvider clock)
{
    /// <summary>The gift's body.</summary>
    public static readonly JsonBody<PlusKRequest> Body = new("A +K body", 4096, "{\"receiver\": \"...\", \"topic\": \"...\"}");

    public async Task<Results<Ok<PlusKGivenView>, ValidationProblem, UserProblem, BodyProblem, NotFoundProblem, LimitProblem>> GiveAsync(string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (await UserProblems.RequireSelfAsync(tokens, request, userId) is { } refusal)
        {
            return refusal;
        }

        return await Body.ReadAsync(request, gift => GiveAsync(userId, gift, cancellationToken), refused => refused, cancellationToken);
    }

    private async Task<Results<Ok<PlusKGivenView>, ValidationProblem, UserProblem, BodyProblem, NotFoundProblem, LimitProblem>> GiveAsync(string userId, PlusKRequest gift, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
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

        if (errors.Count > 0)
        {
            return Problems.Invalid("The +K was refused; nothing was written.", errors);
        }

        if (ontology.Find(gift.Topic) is not { } topic)
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
                new Dictionary<string, object?> { ["limit"] = PlusKLimit.Daily, ["remainingToday"] = 0 }),
            PlusKRefusal.PairLimit => UserProblems.TooManyRequests(
                $"One +K per receiver and topic every {PlusKService.PairWindow.TotalDays:0} days; '{gift.Receiver}' already has yours in '{topic.Id}'.",
                outcome.ResetsUtc,
                clock.GetUtcNow(),
                new Dictionary<string, object?> { ["limit"] = PlusKLimit.ReceiverTopic, ["remainingToday"] = outcome.RemainingToday }),
            _ => TypedResults.Ok(new PlusKGivenView(userId, gift.Receiver!, topic.Id, outcome.Gift!.GivenUtc, outcome.RemainingToday, outcome.ResetsUtc)),
        };
    }

    public async Task<Results<Ok<PlusKStatusView>, UserProblem>> GetAsync(string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (await UserProblems.RequireSelfAsync(tokens, request, userId) is { } refusal)
        {
            return refusal;
        }

        var (remaining, resets, recent) = await plusK.StatusAsync(userId, cancellationToken);
        return TypedResults.Ok(new PlusKStatusView(userId, remaining, PlusKService.DailyLimit, resets, recent));
    }
}

public sealed record PlusKRequest(string? Receiver, string? Topic);

public sealed record PlusKGivenView(string Giver, string Receiver, string Topic, DateTimeOffset GivenUtc, int RemainingToday, DateTimeOffset ResetsUtc);

/// <summary>What the giver has left today, and their recent gifts.</summary>
public sealed record PlusKStatusView(string UserId, int RemainingToday, int DailyLimit, DateTimeOffset ResetsUtc, IReadOnlyList<PlusKGift> Recent);

/// <summary>Which +K limit a 429 is about (its problem's "limit": "daily" or "receiver-topic").</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(KebabCaseEnumConverter<PlusKLimit>))]
public enum PlusKLimit
{
    Daily,
    ReceiverTopic,
}
