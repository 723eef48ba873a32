using InfluenceFunctions.LocalHost;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace InfluenceFunctions.IntegrationTests.Durability;

/// <summary>
/// The README's first command, stopped as a person stops it: Ctrl+C in the terminal, which signals the host and every
/// process in its group. The host must stop its durable engine while its Azurite still answers, then stop Azurite.
/// </summary>
public sealed partial class LocalHostShutdownTests
{
    [Fact]
    public async Task ShouldStopTheHostAndItsAzuriteOnCtrlC()
    {
        var data = Directory.CreateTempSubdirectory("influence-localdata-");
        try
        {
            var port = AzuriteProcess.FreePort();
            await using var host = HostProcess.Start(port, new Dictionary<string, string?> { ["LocalHost:DataFolder"] = data.FullName }, ownSession: true);
            await host.WaitReadyAsync(TimeSpan.FromMinutes(2));
            var tablePort = int.Parse(AzuritePorts().Match(host.Log).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(await AnswersAsync(tablePort), "its Azurite answers while the host runs");

            Assert.True(await host.InterruptGroupAsync(TimeSpan.FromSeconds(45)), $"the host did not stop on Ctrl+C:\n{host.Log}");
            Assert.False(await AnswersAsync(tablePort), "its Azurite stopped with it");
            Assert.Contains("Stopping Azurite", host.Log, StringComparison.Ordinal);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"Azurite: tables on 127\.0\.0\.1:(\d+)")]
    private static partial Regex AzuritePorts();
}
