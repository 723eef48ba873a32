namespace InfluenceFunctions.Nightly;

/// <summary>A user's live score before and after a night (null = not scored).</summary>
public sealed record UserScored(string UserId, int? PreviousScore, DateOnly? PreviousDay, int? Score);

/// <summary>A shard's live results for a night, after its score rows are written.</summary>
public sealed record ShardScored(DateOnly Day, string RunId, int Shard, string ModelVersion, IReadOnlyList<UserScored> Users);

/// <summary>
/// Told when a shard's scores are written, inside the shard's activity (e.g. to write webhook events to the outbox).
/// Must be idempotent: a retried activity or a re-run night calls it again with the same results.
/// </summary>
public interface IShardScoredObserver
{
    Task OnShardScoredAsync(ShardScored shard, CancellationToken cancellationToken);
}
