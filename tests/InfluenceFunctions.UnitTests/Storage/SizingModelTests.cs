using System.Globalization;
using System.Text.RegularExpressions;
using InfluenceFunctions.Cli;
using InfluenceFunctions.LocalHost;

namespace InfluenceFunctions.UnitTests.Storage;

/// <summary>
/// The sizing model in docs/storage.md is what <see cref="SizingModel"/> computes, and its transaction formula agrees with
/// the transactions the committed bench runs counted (bench/results).
/// </summary>
public sealed partial class SizingModelTests
{
    [Fact]
    public void ShouldShowTheSizingTableTheModelComputes()
    {
        var doc = File.ReadAllText(Path.Combine(RepoRoot.Find(), "docs", "storage.md"));
        foreach (var row in SizingModel.MarkdownRows(SizingModel.DocSizes))
        {
            Assert.Contains(row, doc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ShouldPredictTheTransactionsTheBenchCountedWithinFivePercent()
    {
        var rows = Directory.GetFiles(Path.Combine(RepoRoot.Find(), "bench", "results"), "bench-nightly-*.txt")
            .SelectMany(File.ReadLines)
            .Select(line => BenchRow().Match(line))
            .Where(m => m.Success)
            .ToList();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var users = long.Parse(row.Groups["users"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            var shards = int.Parse(row.Groups["shards"].Value, CultureInfo.InvariantCulture);
            var measured = double.Parse(row.Groups["transactions"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            var predicted = SizingModel.Transactions(users, shards);
            Assert.True(Math.Abs(predicted / measured - 1) <= 0.05, $"{users} users, {shards} shards: predicted {predicted:N0}, measured {measured:N0}");
        }
    }

    [Fact]
    public void ShouldGiveEachShardAtMostTheTargetUsersAndNeverFewerThanProductionsShards()
    {
        Assert.Equal(256, SizingModel.ShardsFor(10_000));
        foreach (var users in new long[] { 1_000_000, 30_000_000, 100_000_000, 1_000_000_000 })
        {
            var shards = SizingModel.ShardsFor(users);
            Assert.True(users / (double)shards <= SizingModel.UsersPerShardTarget, $"{users}: {shards}");
            Assert.True(shards == 256 || users / (shards / 2.0) > SizingModel.UsersPerShardTarget, $"{users}: {shards} is more than needed");
        }
    }

    // "| 100,000 | 256 | 92.79 | 1,078 | 2,404 | ..." : the bench's result row (users, shards, run time, users/s, transactions).
    [GeneratedRegex(@"^\| (?<users>[\d,]+) \| (?<shards>\d+) \| [\d.]+ \| [\d,]+ \| (?<transactions>[\d,]+) \|")]
    private static partial Regex BenchRow();
}
