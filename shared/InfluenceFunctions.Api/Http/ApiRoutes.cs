using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Storage;
namespace InfluenceFunctions.Api.Http;

/// <summary>
/// Routes, relative to the "api" prefix (the Functions host adds it; the local host maps "/api/" + route).
/// Constants so the [HttpTrigger] attributes and the local host's endpoint map use the same strings.
/// </summary>
public static class ApiRoutes
{
    public const string Prefix = "api";

    public const string UserScore = "v1/users/{userId}/score";

    // Partner API (issue 5): every route here goes through PartnerGate (API key, quota). The topic routes
    // ("a user's topics", "topic leaders") belong beside these once topics land.
    public const string ScoresLookup = "v1/scores/lookup";

    public const string UserHistory = "v1/users/{userId}/history";

    public const string UserExplanation = "v1/users/{userId}/explanation";

    public const string UserCard = "v1/users/{userId}/card.svg";

    public const string OpenApi = "openapi.json";

    public const string ApiKeys = "v1/manage/keys";

    public const string ApiKey = "v1/manage/keys/{keyId}";

    public const string IngestBatch = "v1/ingest/batches/{batchId}";

    public const string Runs = "v1/manage/runs";

    public const string Run = "v1/manage/runs/{day}";

    public const string ShadowReport = "v1/manage/models/{version}/shadow-report";

    // Topics of influence and +K.
    public const string IngestPosts = "v1/ingest/posts/{batchId}";

    public const string Topics = "v1/topics";

    public const string TopicLeaders = "v1/topics/{topicId}/leaders";

    public const string UserTopics = "v1/users/{userId}/topics";

    public const string UserTopic = "v1/users/{userId}/topics/{topicId}";

    public const string UserTopicHidden = "v1/users/{userId}/topics/{topicId}/hidden";

    public const string UserPlusK = "v1/users/{userId}/plusk";

    // Partner webhooks (issue 6): partner routes through PartnerGate; the announcement is admin.
    public const string WebhookEndpoints = "v1/webhooks/endpoints";

    public const string WebhookEndpoint = "v1/webhooks/endpoints/{endpointId}";

    public const string WebhookEndpointPause = "v1/webhooks/endpoints/{endpointId}/pause";

    public const string WebhookEndpointResume = "v1/webhooks/endpoints/{endpointId}/resume";

    public const string WebhookEndpointRotateSecret = "v1/webhooks/endpoints/{endpointId}/rotate-secret";

    public const string WebhookEndpointAttempts = "v1/webhooks/endpoints/{endpointId}/attempts";

    public const string WebhookEventReplay = "v1/webhooks/endpoints/{endpointId}/events/{eventId}/replay";

    public const string ModelAnnouncement = "v1/manage/models/{version}/announce";

    // People in control (issue 8): the person's own account, with their bearer token.
    public const string UserAccount = "v1/users/{userId}/account";

    public const string UserConnections = "v1/users/{userId}/account/connections";

    public const string UserConnection = "v1/users/{userId}/account/connections/{connectionId}";

    public const string UserExport = "v1/users/{userId}/account/export";

    public const string UserErasure = "v1/users/{userId}/account/erasure";
}
