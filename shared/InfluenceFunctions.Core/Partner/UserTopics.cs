namespace InfluenceFunctions.Partner;

/// <summary>A topic a user is known for, as the media-kit card shows it.</summary>
public sealed record TopicBadge(string Topic, double Strength);

/// <summary>
/// The seam for topics (issue 4): the card asks this for a user's top topics. Until topics land the default
/// answers none and the card says so; the topics work registers its own implementation (AddSingleton replaces
/// the TryAdd default) and adds the two topic endpoints beside the other partner routes.
/// </summary>
public interface IUserTopicsProvider
{
    Task<IReadOnlyList<TopicBadge>> TopTopicsAsync(string userId, int count, CancellationToken cancellationToken);
}

internal sealed class NoUserTopics : IUserTopicsProvider
{
    public Task<IReadOnlyList<TopicBadge>> TopTopicsAsync(string userId, int count, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TopicBadge>>([]);
}
