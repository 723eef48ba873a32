using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Ingestion;
using InfluenceFunctions.Storage.Partner;

namespace InfluenceFunctions.Storage.Topics;

/// <summary>
/// A user's stored topic profile and hidden topics (table "topics": two point reads in the user's shard). The topic
/// endpoints read through it, and it gives the media-kit card the user's visible top topics.
/// </summary>
public sealed class StoredUserTopics(InfluenceTables tables, TopicOntology ontology, IOptions<InfluenceOptions> options)
{
    public async Task<(TopicProfile? Profile, HashSet<string> Hidden)> ReadAsync(string userId, CancellationToken cancellationToken)
    {
        var shard = Shards.KeyOf(userId, options.Value.ShardCount);
        var topicsRow = tables.Topics.GetEntityIfExistsAsync<TableEntity>(shard, TopicRows.RowKey(TopicRows.Topics, userId), cancellationToken: cancellationToken);
        var hiddenRow = tables.Topics.GetEntityIfExistsAsync<TableEntity>(shard, TopicRows.RowKey(TopicRows.Hidden, userId), cancellationToken: cancellationToken);
        var topics = await topicsRow;
        var hidden = await hiddenRow;
        return (topics.HasValue ? PackedJson.Read<TopicProfile>(topics.Value!, "T") : null, TopicRows.HiddenTopics(hidden.HasValue ? hidden.Value : null));
    }

    /// <summary>Visible topics only: a hidden topic never reaches a partner's card.</summary>
    public async Task<IReadOnlyList<TopicBadge>> TopTopicsAsync(string userId, int count, CancellationToken cancellationToken)
    {
        var (profile, hidden) = await ReadAsync(userId, cancellationToken);
        return (profile?.Topics ?? [])
            .Where(t => !hidden.Contains(t.TopicId) && ontology.Find(t.TopicId) is not null)
            .Take(count)
            .Select(t => new TopicBadge(ontology.Find(t.TopicId)!.Name, t.Score / 100.0))
            .ToList();
    }
}
