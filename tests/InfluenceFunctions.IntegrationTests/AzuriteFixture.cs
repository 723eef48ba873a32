using InfluenceFunctions.Api;
using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.IntegrationTests;

/// <summary>One Azurite for the whole test run, on ports of its own; each test isolates itself with a table prefix.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? azurite;

    public string ConnectionString => azurite?.ConnectionString ?? throw new InvalidOperationException("Azurite is not running.");

    public async Task InitializeAsync() => azurite = await AzuriteProcess.StartAsync(null, CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
