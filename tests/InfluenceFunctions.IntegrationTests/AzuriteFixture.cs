using System.Collections.Concurrent;
using InfluenceFunctions.Api;
using InfluenceFunctions.LocalHost;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.IntegrationTests;

/// <summary>One Azurite for the whole test run, on ports of its own; each test isolates itself with a table prefix.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task<IAsyncDisposable>>> shared = new(StringComparer.Ordinal);
    private AzuriteProcess? azurite;

    public string ConnectionString => azurite?.ConnectionString ?? throw new InvalidOperationException("Azurite is not running.");

    public int ProcessId => azurite?.ProcessId ?? throw new InvalidOperationException("Azurite is not running.");

    public async Task InitializeAsync() => azurite = await AzuriteProcess.StartAsync(null, CancellationToken.None);

    /// <summary>Something several tests start from (built once, by the first that asks; disposed with Azurite).</summary>
    public async Task<T> SharedAsync<T>(string key, Func<Task<T>> create)
        where T : class, IAsyncDisposable
    {
        var lazy = shared.GetOrAdd(key, _ => new Lazy<Task<IAsyncDisposable>>(async () => await create()));
        return (T)await lazy.Value;
    }

    public async Task DisposeAsync()
    {
        foreach (var value in shared.Values.Where(v => v.IsValueCreated && v.Value.IsCompletedSuccessfully))
        {
            await (await value.Value).DisposeAsync();
        }

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
