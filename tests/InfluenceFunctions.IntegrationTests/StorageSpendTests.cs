using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Api;
using InfluenceFunctions.Seeding;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.IntegrationTests;

[Collection(AzuriteCollection.Name)]
public sealed class StorageSpendTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ShouldSpendAtMostFiveHundredthsOfATransactionPerUserAndCountEveryRequest()
    {
        var night = new DateOnly(2026, 11, 27);
        await using var host = await TestHost.StartAsync(azurite, new DateTimeOffset(2026, 11, 28, 3, 0, 0, TimeSpan.Zero));
        var seeder = new DemoPopulation(host.Tables, host.Services.GetRequiredService<IOptions<InfluenceOptions>>().Value);
        await seeder.SeedAsync(2_000, night, seed: 7, progress: null, CancellationToken.None);

        var before = host.Counter.Total;
        var summary = await host.RunNightAsync(night);
        var spent = host.Counter.Total - before;

        Assert.Equal(2_000, summary.UsersScored + summary.UsersUnscored);
        Assert.True(summary.UsersScored > 1_500, $"most demo users have enough data ({summary.UsersScored} scored)");
        Assert.Equal(spent, summary.StorageTransactions);
        Assert.True(summary.TransactionsPerUser <= 0.05, $"{summary.TransactionsPerUser:F4} transactions per user");
    }
}
