using InfluenceFunctions.Storage;
using InfluenceFunctions.Workflows.Runs;
using InfluenceFunctions.Workflows.Topics;
using InfluenceFunctions.Workflows.Webhooks;
using Microsoft.Extensions.Logging;

namespace InfluenceFunctions.Workflows.Nightly;

/// <summary>
/// A shard's nightly pass, one activity: the steps in their order, each handing data to the next through the
/// context. Scores first (the topic step needs tonight's scores), topics second (events need tonight's topic changes),
/// webhook events last (they describe both). Adding a kind of nightly work is adding a step here.
/// </summary>
public sealed partial class ShardPass(ScoreStep scores, TopicStep topics, WebhookEventStep events, ILogger<ShardPass> logger)
{
    public IReadOnlyList<IShardStep> Steps { get; } = [scores, topics, events];

    public async Task<ShardOutcome> RunAsync(ScoreShardInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var spend = StorageRequestCounter.BeginScope();
        var context = new ShardPassContext(input);
        foreach (var step in Steps)
        {
            await step.RunAsync(context, cancellationToken);
        }

        var result = context.Scores;
        LogShard(logger, input.Shard, input.Day, result.Scored, result.Unscored, spend.Count);
        return new ShardOutcome(input.Shard, result.Scored, result.Unscored, result.Skipped, spend.Count, spend.Retries, result.Summary);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scored shard {Shard} for {Day}: {Scored} scored, {Unscored} unscored, {Transactions} storage transactions")]
    private static partial void LogShard(ILogger logger, int shard, DateOnly day, int scored, int unscored, long transactions);
}
