using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace InfluenceFunctions.Domain.Webhooks;

/// <summary>The event types a partner can subscribe to; on the wire and in rows each is its dotted name (<see cref="WebhookEventTypes.Name"/>).</summary>
public enum WebhookEventType
{
    ScoreChanged,
    ScoreMilestone,
    TopicGained,
    TopicLost,
    RecalculationCompleted,
    ModelVersionChanged,
    UserErased,
}

/// <summary>The wire names of <see cref="WebhookEventType"/> ("score.changed", ...) and the rules that go with them.</summary>
public static class WebhookEventTypes
{
    private static readonly Dictionary<string, WebhookEventType> ByName = Enum.GetValues<WebhookEventType>().ToDictionary(Name, StringComparer.Ordinal);

    public static IReadOnlyList<WebhookEventType> All { get; } = Enum.GetValues<WebhookEventType>();

    /// <summary>Every wire name, for messages that list what is known.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(Name)];

    /// <summary>The scores a score.milestone event is about, crossed either way (<see cref="ScoreMilestones"/>).</summary>
    public static IReadOnlyList<int> Milestones => ScoreMilestones.Values;

    /// <summary>The dotted name partners subscribe with and receive (stored in rows and hashed into event ids).</summary>
    public static string Name(this WebhookEventType type) => type switch
    {
        WebhookEventType.ScoreChanged => "score.changed",
        WebhookEventType.ScoreMilestone => "score.milestone",
        WebhookEventType.TopicGained => "topic.gained",
        WebhookEventType.TopicLost => "topic.lost",
        WebhookEventType.RecalculationCompleted => "recalculation.completed",
        WebhookEventType.ModelVersionChanged => "model.version.changed",
        WebhookEventType.UserErased => "user.erased",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown webhook event type."),
    };

    public static bool TryParse(string? name, out WebhookEventType type) => ByName.TryGetValue(name ?? string.Empty, out type);

    public static bool IsKnown(string? name) => TryParse(name, out _);

    /// <summary>The milestones crossed between two scores (empty when none): up when previous &lt; m &lt;= current, down when current &lt; m &lt;= previous.</summary>
    public static IReadOnlyList<int> Crossed(int previous, int current) => ScoreMilestones.Crossed(previous, current);
}

/// <summary>
/// Deterministic event ids: the same (night, subject, type, endpoint) is always the same id, so a retried activity or a
/// re-run night writes the same outbox row and a receiver deduplicates by it. "evt_{yyyyMMdd}_{32 hex}": the day
/// prefix keeps a night's events in one row-key range of the endpoint's partition.
/// </summary>
public static partial class WebhookEventIds
{
    public const string Prefix = "evt_";

    public static string For(DateOnly day, string subject, WebhookEventType type, string endpointId) => For(day, subject, type.Name(), endpointId);

    public static string For(DateOnly day, string subject, string type, string endpointId)
    {
        var dayKey = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{dayKey}\n{subject}\n{type}\n{endpointId}"));
        return $"{Prefix}{dayKey}_{Convert.ToHexString(hash, 0, 16).ToLowerInvariant()}";
    }

    /// <summary>The row-key range [from, to) of one day's events.</summary>
    public static (string From, string To) DayRange(DateOnly day)
    {
        var dayKey = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        return ($"{Prefix}{dayKey}_", $"{Prefix}{dayKey}`"); // '`' sorts right after '_'.
    }

    public static bool LooksValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex("^evt_[0-9]{8}_[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
