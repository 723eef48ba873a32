using System.Globalization;
using InfluenceFunctions.Domain;
using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Seeding;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Nightly;

// dotnet run --project tools/InfluenceFunctions.LocalHost [-- --users 2000 --nights 31 --port 7071 --no-demo --clean]
// With no Storage:ConnectionString configured it starts its own Azurite (data kept in .azurite/, --clean empties it) and stops it on Ctrl+C.
var options = LocalHostArguments.Parse(args);
if (options is null)
{
    Console.Error.WriteLine($"usage: InfluenceFunctions.LocalHost [--users N] [--nights 1-{LocalDemo.MaxNights}] [--seed N] [--port N] [--no-demo] [--clean]");
    return 2;
}

if (LocalConsole.IsTaken(options.Port))
{
    LocalConsole.PortInUse(options.Port);
    return 1;
}

AzuriteProcess? azurite = null;
byte[]? userSigningKey = null;
var started = System.Diagnostics.Stopwatch.StartNew();
try
{
    var app = LocalApp.Build(LocalConsole.WithDevelopmentEnvironment(options.Remaining), builder =>
    {
        if (string.IsNullOrEmpty(builder.Configuration[$"{StorageOptions.SectionName}:ConnectionString"])
            && string.IsNullOrEmpty(builder.Configuration[$"{StorageOptions.SectionName}:TableServiceUri"]))
        {
            Console.WriteLine("Starting Azurite (the storage emulator) on ports of its own...");
            var data = LocalData.Prepare(builder.Configuration["LocalHost:DataFolder"], options.Clean);
            azurite = AzuriteProcess.StartAsync(data, Console.Out, CancellationToken.None).GetAwaiter().GetResult();
            builder.Configuration[$"{StorageOptions.SectionName}:ConnectionString"] = azurite.ConnectionString;
            Console.WriteLine($"Azurite: tables on 127.0.0.1:{azurite.TablePort}, queues on 127.0.0.1:{azurite.QueuePort}, data in {data} ({(options.Clean ? "started clean" : "kept across restarts; --clean starts over")})");

            // A fresh store: its shard count may fit the demo's size (a real account keeps the one its data was written with).
            builder.Configuration["Influence:ShardCount"] ??= LocalDemo.ShardsFor(options.Users).ToString(CultureInfo.InvariantCulture);
        }

        userSigningKey = DevelopmentTokens.Configure(builder.Configuration);
        builder.Configuration["SignIn:Development"] = (userSigningKey is not null).ToString(); // The profile page's demo-user sign-in.
        if (builder.Environment.IsDevelopment() && string.IsNullOrEmpty(builder.Configuration["Privacy:ErasureSettleSeconds"]))
        {
            // Five minutes in Azure (for writes in flight); here an erasure can be watched to its end.
            builder.Configuration["Privacy:ErasureSettleSeconds"] = LocalConsole.DevelopmentErasureSettleSeconds.ToString(CultureInfo.InvariantCulture);
        }

        LocalConsole.QuietHostStatus(builder.Configuration);
        builder.WebHost.UseUrls($"http://127.0.0.1:{options.Port}");
    });

    try
    {
        await app.StartAsync();
    }
    catch (IOException e) when (LocalConsole.IsPortInUse(e, options.Port))
    {
        LocalConsole.PortInUse(options.Port);
        return 1;
    }

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
        await LocalDemo.RunAsync(services, options, night, stopping);
    }

    // A partner key for trying the API (keys live in the apikeys table; admins make more with POST /api/v1/manage/keys).
    var (_, partnerKey) = await services.GetRequiredService<ApiKeyStore>().CreateAsync("local host demo", null, null, stopping);
    var settleSeconds = app.Configuration.GetValue("Privacy:ErasureSettleSeconds", 300);

    Console.WriteLine();
    Console.WriteLine($"Profile page: {baseUrl}/profile/{(userSigningKey is null ? string.Empty : options.Demo ? " (sign in by picking a demo user)" : " (sign in with a user id)")}");
    Console.WriteLine($"An erasure settles for {settleSeconds} s here (Privacy:ErasureSettleSeconds) before its second sweep.");
    Console.WriteLine("Try:");
    var someone = options.Demo ? DemoPopulation.UserId(1) : "<userId>";
    Console.WriteLine($"  curl -H 'x-api-key: {partnerKey}' {baseUrl}/api/v1/users/{someone}/score");
    if (options.Demo)
    {
        Console.WriteLine($"  curl -H 'x-api-key: {partnerKey}' {baseUrl}/api/v1/users/{DemoPopulation.UserId(1)}/explanation");
        Console.WriteLine($"  curl -H 'x-api-key: {partnerKey}' {baseUrl}/api/v1/users/{DemoPopulation.UserId(1)}/card.svg -o card.svg");
        Console.WriteLine($"  curl -H 'x-api-key: {partnerKey}' {baseUrl}/api/v1/users/{DemoPopulation.UserId(0)}/topics");
    }

    Console.WriteLine($"  curl {baseUrl}/api/openapi.json        (or browse {baseUrl}/api/docs)");
    Console.WriteLine($"  curl -H 'x-functions-key: {adminKey}' {baseUrl}/api/v1/manage/runs/{night.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"  curl -X POST -H 'x-functions-key: {adminKey}' {baseUrl}/api/v1/manage/runs");
    if (userSigningKey is not null && options.Demo)
    {
        // The person's own routes (docs/people-in-control.md) with a development bearer token for one demo user.
        var user = DemoPopulation.UserId(1);
        var bearer = $"-H 'Authorization: Bearer {DevelopmentTokens.Mint(userSigningKey, user, TimeSpan.FromHours(12))}'";
        Console.WriteLine($"As {user} (a development token, valid 12 hours):");
        Console.WriteLine($"  curl {bearer} {baseUrl}/api/v1/users/{user}/profile");
        Console.WriteLine($"  curl -X POST {bearer} -H 'content-type: application/json' -d '{{\"network\":\"facebook\",\"kind\":\"page\",\"account\":\"{user}-page\"}}' {baseUrl}/api/v1/users/{user}/account/connections");
        Console.WriteLine($"  curl -X DELETE {bearer} {baseUrl}/api/v1/users/{user}/account");
    }
    else if (userSigningKey is not null)
    {
        Console.WriteLine($"A development bearer token for any user id: curl -X POST -H 'content-type: application/json' -d '{{\"userId\":\"<userId>\"}}' {baseUrl}/api/dev/token");
    }

    LocalConsole.Started(baseUrl, app.Environment.EnvironmentName, azurite is not null, started.Elapsed);

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
