using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Workflows.Nightly;
using Microsoft.Extensions.DependencyInjection;

namespace InfluenceFunctions.BrowserTests;

/// <summary>
/// The local host's demo as `dotnet run` makes it (<see cref="LocalDemo"/> with its default people and nights, the
/// same seed), on the system clock: what a person sees in the first minute.
/// </summary>
public sealed class DemoSite : BrowserSite
{
    internal static readonly LocalHostArguments Demo = LocalHostArguments.Parse([])!;

    /// <summary>How long the demo itself took (seeding and every night), for the report.</summary>
    public TimeSpan DemoTime { get; private set; }

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        // As Program.cs sets it for its own Azurite.
        ["Influence:ShardCount"] = LocalDemo.ShardsFor(Demo.Users).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Privacy:ErasureSettleSeconds"] = LocalConsole.DevelopmentErasureSettleSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    protected override async Task SeedAsync()
    {
        var started = DateTime.UtcNow;
        var night = Services.GetRequiredService<NightlyRunScheduler>().NightToScore();
        await LocalDemo.RunAsync(Services, Demo, night, CancellationToken.None);
        DemoTime = DateTime.UtcNow - started;
    }
}

[CollectionDefinition(Name)]
public sealed class DemoSiteCollection : ICollectionFixture<DemoSite>
{
    public const string Name = "demo site";
}
