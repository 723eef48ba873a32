using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Workflows.Runs;

/// <summary>
/// One step of a shard's nightly pass. Steps run in a fixed order inside the shard's activity (scores, then topics,
/// then webhook events) and hand data on through the <see cref="ShardPassContext"/>. A retried activity runs every
/// step again, so each must be idempotent: the same night writes the same rows.
/// </summary>
public interface IShardStep
{
    Task RunAsync(ShardPassContext context, CancellationToken cancellationToken);
}

/// <summary>What the steps of one shard's pass hand each other: set by one step, read by the ones after it.</summary>
public sealed class ShardPassContext(ScoreShardInput input)
{
    private ShardScores? scores;
    private IReadOnlyList<TopicChange>? topicChanges;

    public ScoreShardInput Input { get; } = input;

    public string ShardKey { get; } = Shards.Key(input.Shard);

    /// <summary>The live model's results for the shard (set by the score step).</summary>
    public ShardScores Scores
    {
        get => scores ?? throw new InvalidOperationException("The score step has not run yet in this shard pass.");
        set => scores = value;
    }

    /// <summary>Topics users gained or lost tonight (set by the topic step).</summary>
    public IReadOnlyList<TopicChange> TopicChanges
    {
        get => topicChanges ?? throw new InvalidOperationException("The topic step has not run yet in this shard pass.");
        set => topicChanges = value;
    }
}

/// <summary>A user's live score before and after the night (null = not scored).</summary>
public sealed record UserScored(string UserId, int? PreviousScore, DateOnly? PreviousDay, int? Score);

/// <summary>
/// The score step's results: every user the live model scored or left unscored (<see cref="Users"/>), the people with no
/// connected network (<see cref="Withdrawn"/>), users a newer night already holds (skipped), and the shard's bounded
/// summary for the night's completion (calibration samples, the shadow diff).
/// </summary>
public sealed record ShardScores(
    IReadOnlyList<UserScored> Users,
    IReadOnlyList<string> Withdrawn,
    int Scored,
    int Unscored,
    int Skipped,
    ShardSummary Summary);
