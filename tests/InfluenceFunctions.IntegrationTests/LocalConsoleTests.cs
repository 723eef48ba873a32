using System.Net;
using System.Net.Sockets;
using InfluenceFunctions.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace InfluenceFunctions.IntegrationTests;

/// <summary>The local host's start on a port already taken: found before anything starts, and told from the bind error if it races.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LocalConsoleTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ShouldRecogniseATakenPortBeforeAndWhenTheHostBindsIt()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        Assert.True(LocalConsole.IsTaken(port));

        var app = LocalApp.Build([], builder =>
        {
            builder.Configuration["Storage:ConnectionString"] = azurite.ConnectionString;
            builder.Configuration["LocalHost:RunSchedule"] = "false";
            builder.Configuration["LocalHost:RunWebhooks"] = "false";
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        });
        await using (app)
        {
            var error = await Assert.ThrowsAnyAsync<IOException>(() => app.StartAsync());
            Assert.True(LocalConsole.IsPortInUse(error, port), error.ToString());
            Assert.False(LocalConsole.IsPortInUse(error, port + 1)); // Another port's failure (e.g. the Durable sidecar's) is not ours to explain.
        }

        taken.Stop();
        Assert.False(LocalConsole.IsTaken(port));
    }
}
