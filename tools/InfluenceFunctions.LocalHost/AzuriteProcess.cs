using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.LocalHost;

/// <summary>
/// Azurite from the repo's own pinned npm dependency (installed with `npm ci` when missing), on free ports of its own,
/// in memory or with its data in a folder (<c>--location</c>). Stopped with SIGTERM, then SIGKILL after a grace period:
/// Azurite sometimes ignores SIGTERM. With a folder the grace period lasts until Azurite says its three services closed
/// (closing saves its databases; it otherwise saves every 5 s, so a SIGKILL before that loses the last writes).
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process process;
    private readonly string? location;
    private int servicesClosed;

    private AzuriteProcess(Process process, string? location, int blobPort, int queuePort, int tablePort)
    {
        this.process = process;
        this.location = location;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>The Azurite process (tests stop and continue it to simulate an outage).</summary>
    public int ProcessId => process.Id;

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>util-linux's setsid: runs a program in a new session, in place (same process id) when the caller is not a group leader.</summary>
    private const string Setsid = "/usr/bin/setsid";

    public static Task<AzuriteProcess> StartAsync(TextWriter? log, CancellationToken cancellationToken) => StartAsync(null, log, cancellationToken);

    /// <param name="location">A folder for Azurite's data, kept across restarts (created if missing); null for in memory.</param>
    public static async Task<AzuriteProcess> StartAsync(string? location, TextWriter? log, CancellationToken cancellationToken)
    {
        var root = RepoRoot.Find();
        var azurite = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            log?.WriteLine("Installing Azurite from package-lock.json (npm ci)...");
            await RunAsync("npm", "ci --no-audit --no-fund --loglevel=error", root, cancellationToken);
        }

        for (var attempt = 1; ; attempt++)
        {
            var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
            // In a session of its own (setsid, where there is one): Ctrl+C in the terminal signals the whole foreground
            // process group, and an Azurite gone before the host has stopped leaves the durable backend retrying it
            // for ever. The host stops Azurite itself, last.
            var start = new ProcessStartInfo(File.Exists(Setsid) ? Setsid : azurite)
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            if (start.FileName == Setsid)
            {
                start.ArgumentList.Add(azurite);
            }

            if (location is null)
            {
                start.ArgumentList.Add("--inMemoryPersistence");
            }
            else
            {
                Directory.CreateDirectory(location);
                start.ArgumentList.Add("--location");
                start.ArgumentList.Add(location);
            }

            foreach (var arg in new[]
            {
                "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl", "--loose",
                "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--tableHost", "127.0.0.1", "--tablePort", table.ToString(System.Globalization.CultureInfo.InvariantCulture),
            })
            {
                start.ArgumentList.Add(arg);
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Azurite.");
            var instance = new AzuriteProcess(process, location, blob, queue, table);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data?.Contains("service successfully closed", StringComparison.Ordinal) == true)
                {
                    Interlocked.Increment(ref instance.servicesClosed);
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                // Azurite complains on every shutdown that its servers are already closed; that is not news.
                if (e.Data is not null && !e.Data.Contains("Shutdown close failed", StringComparison.Ordinal))
                {
                    log?.WriteLine("azurite: " + e.Data);
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (await instance.WaitReadyAsync(TimeSpan.FromSeconds(30), cancellationToken))
            {
                return instance;
            }

            await instance.DisposeAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException("Azurite did not start (three tries on fresh ports).");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                // SIGTERM first so it can close cleanly; then SIGKILL the tree.
                using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    await term.WaitForExitAsync();
                }

                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(location is null ? 3 : 30));
                try
                {
                    while (location is not null && Volatile.Read(ref servicesClosed) < 3)
                    {
                        await Task.Delay(50, grace.Token); // Its databases are saved once all three services closed.
                    }

                    using var exit = CancellationTokenSource.CreateLinkedTokenSource(grace.Token);
                    exit.CancelAfter(TimeSpan.FromSeconds(3));
                    await process.WaitForExitAsync(exit.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    private async Task<bool> WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                return false; // Most likely a port taken between our check and its bind.
            }

            if (await Accepts(TablePort) && await Accepts(QueuePort) && await Accepts(BlobPort))
            {
                return !process.HasExited;
            }

            await Task.Delay(100, cancellationToken);
        }

        return false;
    }

    private static async Task<bool> Accepts(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string arguments, string directory, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = directory, UseShellExecute = false })
            ?? throw new InvalidOperationException($"Could not run {file}.");
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {arguments}' failed with exit code {process.ExitCode}.");
        }
    }
}

/// <summary>Finds the repository root (where package.json and InfluenceFunctions.sln are).</summary>
public static class RepoRoot
{
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "InfluenceFunctions.sln")) && File.Exists(Path.Combine(dir.FullName, "package.json")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run from inside the InfluenceFunctions repository (no InfluenceFunctions.sln + package.json found above here).");
    }
}
