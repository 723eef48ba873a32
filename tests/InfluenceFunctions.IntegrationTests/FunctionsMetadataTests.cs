using System.Text.Json;
using InfluenceFunctions.Http;
using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Nightly;
using Microsoft.AspNetCore.Routing;

namespace InfluenceFunctions.IntegrationTests;

/// <summary>
/// Reads the functions.metadata the Functions SDK writes at build time: a wrong trigger, route or name would
/// otherwise only fail once deployed to Azure.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Functions = new(Load);

    [Fact]
    public void ShouldDeclareEveryOrchestratorAndActivityTheWorkflowsCall()
    {
        foreach (var name in NightlyWorkflow.OrchestratorNames)
        {
            Assert.Equal("orchestrationTrigger", TriggerOf(name).GetProperty("type").GetString());
        }

        foreach (var name in NightlyWorkflow.ActivityNames)
        {
            Assert.Equal("activityTrigger", TriggerOf(name).GetProperty("type").GetString());
        }
    }

    [Theory]
    [InlineData("GetUserScore", "get", ApiRoutes.UserScore, "anonymous")]
    [InlineData("IngestBatch", "put", ApiRoutes.IngestBatch, "function")]
    [InlineData("StartRun", "post", ApiRoutes.Runs, "admin")]
    [InlineData("GetRun", "get", ApiRoutes.Run, "admin")]
    [InlineData("GetShadowReport", "get", ApiRoutes.ShadowReport, "admin")]
    [InlineData("LookupScores", "post", ApiRoutes.ScoresLookup, "anonymous")]
    [InlineData("GetUserHistory", "get", ApiRoutes.UserHistory, "anonymous")]
    [InlineData("GetUserExplanation", "get", ApiRoutes.UserExplanation, "anonymous")]
    [InlineData("GetUserCard", "get", ApiRoutes.UserCard, "anonymous")]
    [InlineData("GetOpenApi", "get", ApiRoutes.OpenApi, "anonymous")]
    [InlineData("CreateApiKey", "post", ApiRoutes.ApiKeys, "admin")]
    [InlineData("ListApiKeys", "get", ApiRoutes.ApiKeys, "admin")]
    [InlineData("RevokeApiKey", "delete", ApiRoutes.ApiKey, "admin")]
    [InlineData("IngestPosts", "put", ApiRoutes.IngestPosts, "function")]
    [InlineData("GetTopics", "get", ApiRoutes.Topics, "anonymous")]
    [InlineData("GetTopicLeaders", "get", ApiRoutes.TopicLeaders, "anonymous")]
    [InlineData("GetUserTopics", "get", ApiRoutes.UserTopics, "anonymous")]
    [InlineData("GetUserTopic", "get", ApiRoutes.UserTopic, "anonymous")]
    [InlineData("HideUserTopic", "put", ApiRoutes.UserTopicHidden, "anonymous")]
    [InlineData("UnhideUserTopic", "delete", ApiRoutes.UserTopicHidden, "anonymous")]
    [InlineData("GivePlusK", "post", ApiRoutes.UserPlusK, "anonymous")]
    [InlineData("GetPlusK", "get", ApiRoutes.UserPlusK, "anonymous")]
    [InlineData("CreateWebhookEndpoint", "post", ApiRoutes.WebhookEndpoints, "anonymous")]
    [InlineData("ListWebhookEndpoints", "get", ApiRoutes.WebhookEndpoints, "anonymous")]
    [InlineData("GetWebhookEndpoint", "get", ApiRoutes.WebhookEndpoint, "anonymous")]
    [InlineData("DeleteWebhookEndpoint", "delete", ApiRoutes.WebhookEndpoint, "anonymous")]
    [InlineData("PauseWebhookEndpoint", "post", ApiRoutes.WebhookEndpointPause, "anonymous")]
    [InlineData("ResumeWebhookEndpoint", "post", ApiRoutes.WebhookEndpointResume, "anonymous")]
    [InlineData("RotateWebhookSecret", "post", ApiRoutes.WebhookEndpointRotateSecret, "anonymous")]
    [InlineData("GetWebhookAttempts", "get", ApiRoutes.WebhookEndpointAttempts, "anonymous")]
    [InlineData("ReplayWebhookEvent", "post", ApiRoutes.WebhookEventReplay, "anonymous")]
    [InlineData("AnnounceModelVersion", "post", ApiRoutes.ModelAnnouncement, "admin")]
    [InlineData("GetAccount", "get", ApiRoutes.UserAccount, "anonymous")]
    [InlineData("OptIn", "put", ApiRoutes.UserAccount, "anonymous")]
    [InlineData("EraseAccount", "delete", ApiRoutes.UserAccount, "anonymous")]
    [InlineData("GetErasure", "get", ApiRoutes.UserErasure, "anonymous")]
    [InlineData("ConnectNetwork", "post", ApiRoutes.UserConnections, "anonymous")]
    [InlineData("DisconnectNetwork", "delete", ApiRoutes.UserConnection, "anonymous")]
    [InlineData("ExportAccount", "get", ApiRoutes.UserExport, "anonymous")]
    public void ShouldServeEachRouteWithItsMethodAndAuthLevel(string function, string method, string route, string authLevel)
    {
        var trigger = TriggerOf(function);
        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant()));
        Assert.Equal(authLevel, trigger.GetProperty("authLevel").GetString()!.ToLowerInvariant());
    }

    [Fact]
    public void ShouldStartTheNightlyRunFromATimerOnTheConfiguredSchedule()
    {
        var trigger = TriggerOf("NightlyTimer");
        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("%Influence:NightlySchedule%", trigger.GetProperty("schedule").GetString());
        var bindings = Functions.Value["NightlyTimer"].GetProperty("bindings").EnumerateArray().Select(b => b.GetProperty("type").GetString());
        Assert.Contains("durableClient", bindings);
    }

    [Fact]
    public void ShouldDeliverWebhooksFromTheConfiguredQueue()
    {
        var trigger = TriggerOf("DeliverWebhook");
        Assert.Equal("queueTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("%Webhooks:QueueName%", trigger.GetProperty("queueName").GetString());
        Assert.Contains("Webhooks:QueueName", AppSettings.RequiredInAzure);
    }

    [Fact]
    public void ShouldServeTheSameRoutesInTheLocalHostAsInTheFunctionsApp()
    {
        var functionRoutes = Functions.Value.Values
            .Select(f => f.GetProperty("bindings").EnumerateArray().First())
            .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
            .Select(b => "/api/" + b.GetProperty("route").GetString())
            .Distinct() // One route can have a function per method (e.g. v1/manage/keys: POST and GET).
            .Order(StringComparer.Ordinal)
            .ToList();
        var app = LocalApp.Build([], b => b.Configuration["LocalHost:RunSchedule"] = "false");
        var localRoutes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints)
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(functionRoutes, localRoutes);
    }

    private static JsonElement TriggerOf(string function)
    {
        Assert.True(Functions.Value.TryGetValue(function, out var metadata), $"no function '{function}' in functions.metadata");
        return metadata.GetProperty("bindings").EnumerateArray().First(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
    }

    private static Dictionary<string, JsonElement> Load()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
        var path = Path.Combine(RepoRoot.Find(), "functions", "InfluenceFunctions.Functions", "bin", configuration, "net10.0", "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build the solution first");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.Clone());
    }
}
