using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;
using InfluenceFunctions.Api;
using InfluenceFunctions.Seeding;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.IntegrationTests;

/// <summary>
/// The nightly storage spend with the topic step, on the StorageSpendTests population (2,000 demo users): first
/// with no posts, then with 10 posts per user and some +K. Prints transactions per user (docs/topics.md quotes them).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TopicSpendTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly string[] Texts =
    [
        "Twins bullpen was great in the 9th inning", "Sourdough loaf came out of the oven perfect", "Bitcoin is moving again, crypto is wild",
        "Long run this morning, marathon training is on", "New Python library for pandas dataframes", "Wine tasting in Napa, the cabernet was lovely",
        "Yoga before work", "Espresso and a croissant", "Kubernetes upgrade went smoothly", "Gardening all weekend, tomato plants are huge",
    ];

    [Fact]
    public async Task ShouldKeepTheNightlySpendLowWithTopics()
    {
        var night = new DateOnly(2026, 11, 27);
        await using var host = await TestHost.StartAsync(azurite, new DateTimeOffset(2026, 11, 28, 3, 0, 0, TimeSpan.Zero));
        var seeder = new DemoPopulation(host.Tables, host.Services.GetRequiredService<IOptions<InfluenceOptions>>().Value);
        await seeder.SeedAsync(2_000, night.AddDays(-1), seed: 7, progress: null, CancellationToken.None);

        var before = host.Counter.Total;
        var withoutPosts = await host.RunNightAsync(night.AddDays(-1));
        Assert.Equal(host.Counter.Total - before, withoutPosts.StorageTransactions);

        for (var batch = 0; batch < 4; batch++)
        {
            var posts = Enumerable.Range(batch * 500, 500).SelectMany(u => Enumerable.Range(0, 10).Select(p =>
                TopicPosts.Post(DemoPopulation.UserId(u), night.AddDays(-p), $"p{p}", Texts[(u + p) % Texts.Length] + (p % 2 == 0 ? " #mntwins" : ""), reactions: (u * 7) % 50)));
            using var put = await host.PutMembersPostsAsync($"spend-{batch}", new { posts });
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        before = host.Counter.Total;
        var withPosts = await host.RunNightAsync(night);
        var spent = host.Counter.Total - before;
        Assert.Equal(spent, withPosts.StorageTransactions);
        var line = $"users={withPosts.UsersScored + withPosts.UsersUnscored} no-posts: {withoutPosts.StorageTransactions} transactions ({withoutPosts.TransactionsPerUser:F4}/user); 10 posts/user: {withPosts.StorageTransactions} transactions ({withPosts.TransactionsPerUser:F4}/user)";
        output.WriteLine(line);
        Console.WriteLine("Topic nightly spend: " + line);
        Assert.True(withPosts.TransactionsPerUser <= 0.1, line);
        Assert.NotEmpty((await host.GetJsonAsync("/api/v1/topics/minnesota-twins/leaders?top=50")).GetProperty("leaders").EnumerateArray());
    }
}
