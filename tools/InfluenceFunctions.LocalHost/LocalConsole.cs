using System.Globalization;
using Microsoft.AspNetCore.Connections;

namespace InfluenceFunctions.LocalHost;

/// <summary>
/// What the local host's console says at start, and what it leaves out: the host runs as "Development" unless told
/// otherwise; the hosts' own status lines are off, because the Durable Task engine's internal gRPC sidecar is a host of
/// its own (on another port) that logs through this host's logger, so its "Now listening on", "Application started"
/// and "Hosting environment: Production" lines cannot be told from this host's; <see cref="Started"/> says it once;
/// a port already taken is a sentence naming --port, not a stack trace.
/// </summary>
internal static class LocalConsole
{
    /// <summary>Erasure settling in development: seconds instead of Privacy:ErasureSettleSeconds' five minutes.</summary>
    public const int DevelopmentErasureSettleSeconds = 10;

    /// <summary>The arguments for the host, with "--environment Development" unless an environment was chosen.</summary>
    public static string[] WithDevelopmentEnvironment(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var chosen = args.Any(a => a.StartsWith("--environment", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT"));
        return chosen ? args : [.. args, "--environment", "Development"];
    }

    /// <summary>
    /// Turns the hosts' lifetime status lines off (their warnings and errors still show), and the host's own log of a
    /// failed start: Program reports a taken port itself, and any other failure is thrown with its stack trace.
    /// </summary>
    public static void QuietHostStatus(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning";
        configuration["Logging:LogLevel:Microsoft.Extensions.Hosting.Internal.Host"] = "Critical";
    }

    /// <summary>Whether something already listens on the port (checked before Azurite starts; the bind error covers a race).</summary>
    public static bool IsTaken(int port)
    {
        try
        {
            using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            probe.Start();
            return false;
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
        {
            return true;
        }
    }

    /// <summary>The one status block: the API's URL, the environment, and how to stop.</summary>
    public static void Started(string baseUrl, string environment, bool ownsAzurite, TimeSpan sinceStart)
    {
        Console.WriteLine($"Now listening on: {baseUrl} (the API under {baseUrl}/api/)");
        Console.WriteLine($"Hosting environment: {environment}");
        Console.WriteLine($"Application started {sinceStart.TotalSeconds:F1} s after launch. Press Ctrl+C to shut down{(ownsAzurite ? " (it stops Azurite too)" : string.Empty)}.");
    }

    /// <summary>Whether starting failed because this port is taken (Kestrel's "Failed to bind to address http://127.0.0.1:{port}: ...").</summary>
    public static bool IsPortInUse(Exception error, int port) =>
        error is IOException { InnerException: AddressInUseException } io
        && io.Message.Contains(":" + port.ToString(CultureInfo.InvariantCulture) + ":", StringComparison.Ordinal);

    public static void PortInUse(int port)
    {
        var next = (port + 1).ToString(CultureInfo.InvariantCulture);
        Console.Error.WriteLine($"Port {port} is already in use (another local host, or another program). Start on another port with --port:");
        Console.Error.WriteLine($"  dotnet run --project tools/InfluenceFunctions.LocalHost -- --port {next}");
    }
}
