namespace InfluenceFunctions.Domain.Topics;

/// <summary>A user on a topic's leaderboard.</summary>
public sealed record LeaderCandidate(string U, int S)
{
    /// <summary>Best first; ties by user id, so every run ranks the same way.</summary>
    public static IEnumerable<LeaderCandidate> Rank(IEnumerable<LeaderCandidate> candidates) =>
        candidates.OrderByDescending(c => c.S).ThenBy(c => c.U, StringComparer.Ordinal);
}
