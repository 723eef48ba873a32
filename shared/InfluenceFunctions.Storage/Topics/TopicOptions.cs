using System.ComponentModel.DataAnnotations;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Ingestion;

namespace InfluenceFunctions.Storage.Topics;

/// <summary>Topic settings (section "Topics"). Defaults for everything, so a fresh clone runs as it is.</summary>
public sealed class TopicOptions
{
    public const string SectionName = "Topics";

    /// <summary>Users kept per topic leaderboard (a leaderboard is one partition query, so at most 100 fit a transaction).</summary>
    [Range(1, 100)]
    public int LeaderboardSize { get; set; } = 50;
}
