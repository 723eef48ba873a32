using System.Globalization;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain;
using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Seeding;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

// dotnet run --project tools/InfluenceFunctions.LocalHost [-- --users 10000 --port 7071 --no-demo --clean]
// With no Storage:ConnectionString configured it starts its own Azurite (data kept in .azurite/, --clean empties it) and stops it on Ctrl+C.
var options = LocalHostArguments.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: InfluenceFunctions.LocalHost [--users N] [--seed N] [--port N] [--no-demo] [--clean]");
    return 2;
}

AzuriteProcess? azurite = null;
byte[]? userSigningKey = null;
try
{
    var app = LocalApp.Build(options.Remaining, builder =>
    {
        if (string.IsNullOrEmpty(builder.Configuration[$"{StorageOptions.SectionName}:ConnectionString"])
            && string.IsNullOrEmpty(builder.Configuration[$"{StorageOptions.SectionName}:TableServiceUri"]))
        {
            Console.WriteLine("Starting Azurite (the storage emulator) on ports of its own...");
            var data = LocalData.Prepare(options.Clean);
            azurite = AzuriteProcess.StartAsync(data, Console.Out, CancellationToken.None).GetAwaiter().GetResult();
            builder.Configuration[$"{StorageOptions.SectionName}:ConnectionString"] = azurite.ConnectionString;
            Console.WriteLine($"Azurite: tables on 127.0.0.1:{azurite.TablePort}, queues on 127.0.0.1:{azurite.QueuePort}, data in {data} ({(options.Clean ? "started clean" : "kept across restarts; --clean starts over")})");
        }

        userSigningKey = DevelopmentTokens.Configure(builder.Configuration);
        builder.WebHost.UseUrls($"http://127.0.0.1:{options.Port}");
    });

    await app.StartAsync();
    var stopping = app.Lifetime.ApplicationStopping;
    var baseUrl = $"http://127.0.0.1:{options.Port}";
    var adminKey = LocalApp.AdminKey(app.Configuration);
    var services = app.Services;
    await services.GetRequiredService<InfluenceTables>().CreateIfNotExistsAsync(stopping);

    var night = services.GetRequiredService<NightlyRunScheduler>().NightToScore();
    if (options.Demo && await LocalData.CompletedNightAsync(services, night, stopping) is { } kept)
    {
        Console.WriteLine($"Kept from the last start: the night of {night:yyyy-MM-dd} ({kept.UsersScored:N0} users scored); --clean seeds it again.");
    }
    else if (options.Demo)
    {
        var seeder = new DemoPopulation(services.GetRequiredService<InfluenceTables>(), services.GetRequiredService<IOptions<InfluenceOptions>>().Value);
        Console.WriteLine($"Seeding {options.Users:N0} demo users with 90 days of signals up to {night:yyyy-MM-dd}...");
        var seeded = await seeder.SeedAsync(options.Users, night, options.Seed, new ConsoleProgress("  users written", options.Users), stopping);
        Console.WriteLine($"\nSeeded {seeded.Users:N0} users, {seeded.EngagementEntries:N0} engagements ({seeded.StorageTransactions:N0} storage transactions).");

        Console.WriteLine($"Running the nightly recalculation for {night:yyyy-MM-dd} through the durable orchestration...");
        var client = services.GetRequiredService<DurableTaskClient>();
        var start = await services.GetRequiredService<NightlyRunScheduler>().StartOnDemandAsync(client, night, stopping);
        var summary = await RunWatcher.WaitAsync(client, start.InstanceId, Console.Out, stopping);
        Console.WriteLine(summary);
    }

    // A partner key for trying the API (keys live in the apikeys table; admins make more with POST /api/v1/manage/keys).
    var (_, partnerKey) = await services.GetRequiredService<ApiKeyStore>().CreateAsync("local host demo", null, null, stopping);

    Console.WriteLine();
    Console.WriteLine($"InfluenceFunctions local host on {baseUrl} (Ctrl+C stops it{(azurite is null ? string.Empty : " and Azurite")}).");
    Console.WriteLine("Try:");
    Console.WriteLine($"  curl -H 'x-api-key: {partnerKey}' {baseUrl}/api/v1/users/{DemoPopulation.UserId(1)}/score");
    Console.WriteLine($"  curl -H 'x-api-key: {partnerKey}' {baseUrl}/api/v1/users/{DemoPopulation.UserId(42)}/explanation");
    Console.WriteLine($"  curl -H 'x-api-key: {partnerKey}' {baseUrl}/api/v1/users/{DemoPopulation.UserId(42)}/card.svg -o card.svg");
    Console.WriteLine($"  curl {baseUrl}/api/openapi.json");
    Console.WriteLine($"  curl -H 'x-functions-key: {adminKey}' {baseUrl}/api/v1/manage/runs/{night.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"  curl -X POST -H 'x-functions-key: {adminKey}' {baseUrl}/api/v1/manage/runs");
    if (userSigningKey is not null)
    {
        // The person's own routes (docs/people-in-control.md) with a development bearer token for one demo user.
        var user = DemoPopulation.UserId(42);
        var bearer = $"-H 'Authorization: Bearer {DevelopmentTokens.Mint(userSigningKey, user, TimeSpan.FromHours(12))}'";
        Console.WriteLine($"As {user} (a development token, valid 12 hours):");
        Console.WriteLine($"  curl {bearer} {baseUrl}/api/v1/users/{user}/account/export");
        Console.WriteLine($"  curl -X POST {bearer} -H 'content-type: application/json' -d '{{\"network\":\"facebook\",\"kind\":\"page\",\"account\":\"{user}-page\"}}' {baseUrl}/api/v1/users/{user}/account/connections");
        Console.WriteLine($"  curl -X DELETE {bearer} {baseUrl}/api/v1/users/{user}/account");
    }
    await app.WaitForShutdownAsync();
    return 0;
}
catch (OperationCanceledException)
{
    return 130;
}
finally
{
    if (azurite is not null)
    {
        Console.WriteLine("Stopping Azurite...");
        await azurite.DisposeAsync();
    }
}
