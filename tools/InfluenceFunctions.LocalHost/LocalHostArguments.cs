using System.Globalization;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.LocalHost;

/// <summary>The local host's own command-line options; anything else goes to ASP.NET Core configuration.</summary>
internal sealed record LocalHostArguments(int Users, int Seed, int Port, bool Demo, string[] Remaining, int Nights = LocalDemo.DefaultNights)
{
    /// <summary>Demo people by default: enough for a population, few enough that a month of nights scores in seconds.</summary>
    public const int DefaultUsers = 500;

    /// <summary>--clean: start Azurite on an empty data folder (LocalData) instead of the kept one.</summary>
    public bool Clean { get; init; }

    public static LocalHostArguments? Parse(string[] args)
    {
        int users = DefaultUsers, seed = 42, port = 7071, nights = LocalDemo.DefaultNights;
        var demo = true;
        var clean = false;
        var remaining = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--users" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out users) && users > 0:
                case "--seed" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed):
                case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536:
                case "--nights" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out nights) && nights is >= 1 and <= LocalDemo.MaxNights:
                    i++;
                    break;
                case "--users" or "--seed" or "--port" or "--nights":
                    return null;
                case "--no-demo":
                    demo = false;
                    break;
                case "--clean":
                    clean = true;
                    break;
                case "--help" or "-h":
                    return null;
                default:
                    remaining.Add(args[i]);
                    break;
            }
        }

        return new LocalHostArguments(users, seed, port, demo, remaining.ToArray(), nights) { Clean = clean };
    }
}

/// <summary>Prints a one-line progress counter.</summary>
internal sealed class ConsoleProgress(string label, int total) : IProgress<int>
{
    private int last = -1;

    public void Report(int value)
    {
        var percent = total == 0 ? 100 : (int)(100L * value / total);
        if (Interlocked.Exchange(ref last, percent) != percent)
        {
            Console.Write($"\r{label}: {value:N0}/{total:N0} ({percent}%)   ");
        }
    }
}
