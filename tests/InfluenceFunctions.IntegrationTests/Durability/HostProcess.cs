using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace InfluenceFunctions.IntegrationTests.Durability;

/// <summary>
/// The local host as a separate process (the same build the tests reference), on a port of its own, with settings passed
/// on the command line: something a test can kill with SIGKILL and start again.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder log = new();

    private HostProcess(Process process, int port)
    {
        this.process = process;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Add("x-functions-key", TestHost.AdminKey);
    }

    /// <summary>A client with the admin key.</summary>
    public HttpClient Http { get; }

    public int Id => process.Id;

    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    /// <param name="port">The host's HTTP port.</param>
    /// <param name="settings">Configuration, passed as command-line settings.</param>
    /// <param name="ownSession">In a session and process group of its own (setsid), as a terminal runs it: then
    /// <see cref="InterruptGroupAsync"/> is Ctrl+C.</param>
    public static HostProcess Start(int port, IReadOnlyDictionary<string, string?> settings, bool ownSession = false)
    {
        var start = new ProcessStartInfo(ownSession ? "setsid" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        if (ownSession)
        {
            start.ArgumentList.Add("dotnet"); // setsid runs it in place: the same process id, now its group's leader.
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "InfluenceFunctions.LocalHost.dll"));
        start.ArgumentList.Add("--no-demo");
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.ArgumentList.Add($"--LocalHost:AdminKey={TestHost.AdminKey}");
        start.ArgumentList.Add("--LocalHost:RunSchedule=false");
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the local host.");
        var host = new HostProcess(process, port);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits until it answers HTTP (its Durable Task engine and task hub are up by then).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                Assert.Fail($"the local host exited ({process.ExitCode}):\n{Log}");
            }

            try
            {
                using var response = await Http.GetAsync("/api/openapi.json");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.True(DateTime.UtcNow < deadline, $"the local host did not start in {timeout}:\n{Log}");
            await Task.Delay(100);
        }
    }

    /// <summary>Ctrl+C in a terminal: SIGINT to every process of the host's group. True when the host exited within <paramref name="timeout"/>.</summary>
    public async Task<bool> InterruptGroupAsync(TimeSpan timeout)
    {
        using (var interrupt = Process.Start("kill", ["-INT", "--", "-" + process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(wait.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, no lease is released, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }
}
