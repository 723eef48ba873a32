using System.Globalization;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Ingestion;

namespace InfluenceFunctions.Domain.Topics;

/// <summary>
/// Checks a post batch before anything is written, naming the field of each error ("posts[3].links[0]"), the same
/// way <see cref="IngestionValidator"/> checks signals. A batch with any error is rejected whole.
/// </summary>
public static class PostValidator
{
    public const int MaxPosts = 5_000;
    public const int MaxPostIdLength = 128;
    public const int MaxTextLength = 5_000;
    public const int MaxHashtags = 30;
    public const int MaxHashtagLength = 100;
    public const int MaxLinks = 10;
    public const int MaxLinkLength = 2_000;

    /// <summary>Posts older than the topic window are of no use: the nightly run reads 90 days.</summary>
    public const int MaxDaysBack = TopicScorer.WindowDays - 1;

    private const int MaxErrors = 50;

    public static Dictionary<string, string[]> Validate(PostBatch? batch, DateOnly today)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (errors.Count < MaxErrors)
            {
                errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
            }
        }

        var posts = batch?.Posts;
        if (posts is null || posts.Count == 0)
        {
            Add("posts", "The body must be a JSON object with a non-empty \"posts\" array.");
            return errors;
        }

        if (posts.Count > MaxPosts)
        {
            Add("posts", $"At most {MaxPosts} posts per batch; this one has {posts.Count}.");
            return errors;
        }

        var seen = new HashSet<(string, string, string)>();
        for (var i = 0; i < posts.Count; i++)
        {
            var path = $"posts[{i}]";
            if (posts[i] is not { } post)
            {
                Add(path, "The item is null.");
                continue;
            }

            if (IngestionValidator.ValidateUserId(post.UserId) is { } userError)
            {
                Add(path + ".userId", userError);
            }

            if (!Networks.IsKnown(post.Network))
            {
                Add(path + ".network", $"Unknown network '{post.Network}'. Known: {string.Join(", ", Networks.All)}.");
            }

            if (post.Day is null || !DateOnly.TryParseExact(post.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                Add(path + ".day", "The day must be a date as yyyy-MM-dd.");
            }
            else if (day > today)
            {
                Add(path + ".day", $"The day {post.Day} is in the future (today is {today:yyyy-MM-dd} UTC).");
            }
            else if (day < today.AddDays(-MaxDaysBack))
            {
                Add(path + ".day", $"The day {post.Day} is older than the {TopicScorer.WindowDays}-day topic window.");
            }

            if (string.IsNullOrWhiteSpace(post.PostId) || post.PostId.Length > MaxPostIdLength || post.PostId.Any(char.IsControl))
            {
                Add(path + ".postId", $"The post id is required: 1-{MaxPostIdLength} characters, no control characters.");
            }

            if (post.Text is { Length: > MaxTextLength })
            {
                Add(path + ".text", $"The text is longer than {MaxTextLength} characters.");
            }

            CheckList(path + ".hashtags", post.Hashtags, MaxHashtags, MaxHashtagLength, _ => null, Add);
            CheckList(path + ".links", post.Links, MaxLinks, MaxLinkLength, link =>
                Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                    ? null
                    : "A link must be an absolute http(s) URL.", Add);
            if (string.IsNullOrWhiteSpace(post.Text) && (post.Hashtags?.Count ?? 0) == 0 && (post.Links?.Count ?? 0) == 0)
            {
                Add(path, "The post carries no text, hashtags or links.");
            }

            CheckCount(path + ".reactions", post.Reactions, Add);
            CheckCount(path + ".reshares", post.Reshares, Add);
            CheckCount(path + ".replies", post.Replies, Add);
            if (post.UserId is not null && post.Network is not null && post.PostId is not null && !seen.Add((post.UserId, post.Network, post.PostId)))
            {
                Add(path, $"A second item for post '{post.PostId}' of user '{post.UserId}' on {post.Network}.");
            }
        }

        return errors;
    }

    private static void CheckList(string field, List<string?>? values, int maxCount, int maxLength, Func<string, string?> check, Action<string, string> add)
    {
        if (values is null)
        {
            return;
        }

        if (values.Count > maxCount)
        {
            add(field, $"At most {maxCount} items.");
            return;
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]) || values[i]!.Length > maxLength)
            {
                add($"{field}[{i}]", $"Each item is 1-{maxLength} characters.");
            }
            else if (check(values[i]!) is { } error)
            {
                add($"{field}[{i}]", error);
            }
        }
    }

    private static void CheckCount(string field, double? value, Action<string, string> add)
    {
        if (value is { } v && (!double.IsFinite(v) || v < 0 || v > IngestionValidator.MaxCount))
        {
            add(field, $"The value must be a finite number from 0 to {IngestionValidator.MaxCount:G}.");
        }
    }
}
