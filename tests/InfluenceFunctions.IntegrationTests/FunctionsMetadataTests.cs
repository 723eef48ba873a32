using System.Text.Json;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Profile;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain;
using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Durable;
using InfluenceFunctions.Workflows;
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
        Assert.NotEmpty(InfluenceWorkflows.Tasks);
        foreach (var task in InfluenceWorkflows.Tasks)
        {
            var expected = task.Kind == DurableTaskKind.Orchestrator ? "orchestrationTrigger" : "activityTrigger";
            Assert.Equal(expected, TriggerOf(task.Name).GetProperty("type").GetString());
        }

        var durable = Functions.Value.Values.Count(f => TriggerType(f) is "orchestrationTrigger" or "activityTrigger");
        Assert.Equal(InfluenceWorkflows.Tasks.Count, durable); // No shell runs a task the local host does not register.
    }

    [Fact]
    public void ShouldRunInEachDurableFunctionTheClassTheLocalHostRegistersUnderItsName()
    {
        // Each [Function] shell is one call through the adapter (DurableActivities.RunAsync<TActivity, ...> or
        // OrchestrateAsync<TOrchestrator, ...>): read that call's type arguments from the compiled shell and compare
        // them with the registry entry of the same name, so a shell can never run another class than the local host.
        var assembly = System.Reflection.Assembly.LoadFrom(Path.Combine(FunctionsOutput(), "InfluenceFunctions.Functions.dll"));
        foreach (var task in InfluenceWorkflows.Tasks)
        {
            var entryPoint = Functions.Value[task.Name].GetProperty("entryPoint").GetString()!;
            var split = entryPoint.LastIndexOf('.');
            var shell = assembly.GetType(entryPoint[..split], throwOnError: true)!.GetMethod(entryPoint[(split + 1)..])!;
            var call = AdapterCall(shell);
            Assert.True(call is not null, $"{entryPoint} does not run its task through DurableActivities");
            Assert.Equal(task.Kind == DurableTaskKind.Orchestrator ? "OrchestrateAsync" : "RunAsync", call.Name);
            Assert.Equal([task.Implementation, task.Input, task.Output], call.GetGenericArguments());
            if (task.Kind == DurableTaskKind.Activity)
            {
                Assert.Equal(task.Input, shell.GetParameters()[0].ParameterType);
                Assert.Equal(typeof(CancellationToken), shell.GetParameters()[^1].ParameterType); // The function's token reaches the work.
            }
        }
    }

    private static System.Reflection.MethodInfo? AdapterCall(System.Reflection.MethodInfo shell)
    {
        var il = shell.GetMethodBody()!.GetILAsByteArray()!;
        for (var i = 0; i + 4 < il.Length; i++)
        {
            if (il[i] is not (0x28 or 0x6F)) // call, callvirt
            {
                continue;
            }

            try
            {
                if (shell.Module.ResolveMethod(BitConverter.ToInt32(il, i + 1)) is System.Reflection.MethodInfo { IsGenericMethod: true } method
                    && method.DeclaringType == typeof(DurableActivities))
                {
                    return method;
                }
            }
            catch (ArgumentException)
            {
                // Not a method token at this offset.
            }
        }

        return null;
    }

    private static string? TriggerType(JsonElement function) =>
        function.GetProperty("bindings").EnumerateArray().Select(b => b.GetProperty("type").GetString()).FirstOrDefault(t => t!.EndsWith("Trigger", StringComparison.Ordinal));

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
    [InlineData("GetUserProfile", "get", ProfileRoutes.UserProfile, "anonymous")]
    [InlineData("GetSignInConfig", "get", ProfileRoutes.SignInConfig, "anonymous")]
    [InlineData("ServeProfilePage", "get", ProfileRoutes.ProfileFiles, "anonymous")]
    [InlineData("ServeCardFiles", "get", ProfileRoutes.CardFiles, "anonymous")]
    [InlineData("ServePublicCard", "get", ProfileRoutes.PublicCard, "anonymous")]
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
            .Select(b => (ProfileRoutes.Pages.Contains(b.GetProperty("route").GetString()) ? "/" : "/api/") + b.GetProperty("route").GetString()) // Pages: at the root locally.
            .Distinct() // One route can have a function per method (e.g. v1/manage/keys: POST and GET).
            .Order(StringComparer.Ordinal)
            .ToList();
        var app = LocalApp.Build([], b => b.Configuration["LocalHost:RunSchedule"] = "false");
        var localRoutes = ApiEndpoints.All(app)
            .Where(e => !ApiEndpoints.IsExcluded(e) || ProfileRoutes.Pages.Contains(ApiEndpoints.Path(e).TrimStart('/'))) // The API, and the pages.
            .Select(ApiEndpoints.Path)
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

    private static string FunctionsOutput()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
        return Path.Combine(RepoRoot.Find(), "functions", "InfluenceFunctions.Functions", "bin", configuration, "net10.0");
    }

    private static Dictionary<string, JsonElement> Load()
    {
        var path = Path.Combine(FunctionsOutput(), "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build the solution first");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.Clone());
    }
}
