using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace InfluenceFunctions.Domain.Webhooks;

/// <summary>The event types a partner can subscribe to.</summary>
public static class WebhookEventTypes
{
    public const string ScoreChanged = "score.changed";
    public const string ScoreMilestone = "score.milestone";
    public const string TopicGained = "topic.gained";
    public const string TopicLost = "topic.lost";
    public const string RecalculationCompleted = "recalculation.completed";
    public const string ModelVersionChanged = "model.version.changed";
    public const string UserErased = "user.erased";

    public static IReadOnlyList<string> All { get; } = [ScoreChanged, ScoreMilestone, TopicGained, TopicLost, RecalculationCompleted, ModelVersionChanged, UserErased];

    /// <summary>The scores a score.milestone event is about, crossed either way (<see cref="ScoreMilestones"/>).</summary>
    public static IReadOnlyList<int> Milestones => ScoreMilestones.Values;

    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);

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
