using System.Text.Json;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.UnitTests.Core;

/// <summary>host.json sections in the wrong place are silently ignored by the Functions host: check the shape.</summary>
public sealed class HostJsonTests
{
    private static JsonElement HostJson()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "host.json");
            if (File.Exists(path) && File.Exists(Path.Combine(dir.FullName, "InfluenceFunctions.sln")))
            {
                return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
            }
        }

        throw new FileNotFoundException("host.json at the repository root");
    }

    [Fact]
    public void ShouldBeVersionTwoWithExtensionsAtTheTopLevel()
    {
        var host = HostJson();
        Assert.Equal("2.0", host.GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.Object, host.GetProperty("extensions").ValueKind);
        Assert.False(host.GetProperty("logging").TryGetProperty("durableTask", out _), "durableTask belongs under extensions");
    }

    [Fact]
    public void ShouldConfigureDurableTaskAndQueuesUnderExtensions()
    {
        var extensions = HostJson().GetProperty("extensions");
        var durable = extensions.GetProperty("durableTask");
        Assert.StartsWith("%", durable.GetProperty("hubName").GetString(), StringComparison.Ordinal);
        Assert.Equal("AzureStorage", durable.GetProperty("storageProvider").GetProperty("type").GetString());
        Assert.True(durable.GetProperty("maxConcurrentActivityFunctions").GetInt32() > 0);
        var queues = extensions.GetProperty("queues");
        Assert.True(queues.GetProperty("maxDequeueCount").GetInt32() >= 5);
        Assert.Equal("api", extensions.GetProperty("http").GetProperty("routePrefix").GetString());
    }
}
