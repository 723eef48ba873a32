using InfluenceFunctions.Domain.Ingestion;

namespace InfluenceFunctions.Api.Http;

/// <summary>
/// Routes, relative to the "api" prefix (the Functions host adds it; the local host maps "/api/" + route).
/// Constants so the [HttpTrigger] attributes and the endpoint map (InfluenceApiEndpoints) use the same strings.
/// </summary>
public static class ApiRoutes
{
    public const string Prefix = "api";

    /// <summary>What each route parameter is, for the OpenAPI document.</summary>
    public static readonly IReadOnlyDictionary<string, string> ParameterDescriptions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["userId"] = "The user id (1-128 characters; no '/', '\\', '#', '?' or control characters).",
        ["batchId"] = $"The batch id: the same id with the same body is applied once (1-{IngestionValidator.MaxBatchIdLength} letters, digits, '-', '_' or '.').",
        ["day"] = "The night, yyyy-MM-dd.",
        ["version"] = "A score model version (ScoreModels), such as v1.",
        ["keyId"] = "The key id (the part of the key after ifk_ and before the next '_').",
        ["topicId"] = "A topic id of the ontology (GET /v1/topics).",
        ["endpointId"] = "A webhook endpoint id (ep_ and 16 hex characters).",
        ["eventId"] = "A webhook event id (evt_yyyyMMdd_ and 32 hex characters).",
        ["connectionId"] = "The connected network's stored name (twitter, facebook, facebookpage, ...).",
    };

    public const string UserScore = "v1/users/{userId}/score";

    // Partner API (issue 5): every route here goes through PartnerGate (API key, quota), and so do the topic reads.
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
