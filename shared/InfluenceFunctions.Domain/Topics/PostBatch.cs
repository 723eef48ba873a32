namespace InfluenceFunctions.Domain.Topics;

/// <summary>A batch of posts with the engagement each received, as posted by a collector (PUT /v1/ingest/posts/{batchId}).</summary>
public sealed class PostBatch
{
    public List<PostItem?>? Posts { get; set; }
}

public sealed class PostItem
{
    public string? UserId { get; set; }

    public string? Network { get; set; }

    /// <summary>UTC date of the post, yyyy-MM-dd.</summary>
    public string? Day { get; set; }

    /// <summary>The network's id of the post; (user, network, post id) is the post's identity, so a re-sent post replaces itself.</summary>
    public string? PostId { get; set; }

    public string? Text { get; set; }

    public List<string?>? Hashtags { get; set; }

    public List<string?>? Links { get; set; }

    public double? Reactions { get; set; }

    public double? Reshares { get; set; }

    public double? Replies { get; set; }
}
