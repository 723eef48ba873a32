using System.Globalization;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Domain.Ingestion;

/// <summary>
/// Checks a batch before anything is written: field by field, with the field named in each error
/// (e.g. "signals[3].reshares"). A batch with any error is rejected whole. A signal its network does not have (its
/// <see cref="NetworkVocabulary"/>: list memberships on TikTok, reshares on Instagram) is an error too, even as 0.
/// </summary>
public static class IngestionValidator
{
    public const int MaxSignals = 10_000;
    public const int MaxEngagements = 50_000;
    public const int MaxUserIdLength = 128;
    public const int MaxBatchIdLength = 64;

    /// <summary>How far back a day may be: the scoring window plus a month of late data.</summary>
    public const int MaxDaysBack = SignalRetention.Days - 1;

    /// <summary>Largest count accepted; anything above is a collector bug, not a person.</summary>
    public const double MaxCount = 1e12;

    private const int MaxErrors = 50;

    public static string? ValidateBatchId(string? batchId)
    {
        if (string.IsNullOrEmpty(batchId))
        {
            return "The batch id is required.";
        }

        if (batchId.Length > MaxBatchIdLength || !batchId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return $"The batch id must be 1-{MaxBatchIdLength} characters of letters, digits, '-', '_' or '.'.";
        }

        return null;
    }

    /// <summary>Null when the user id is usable as a Table row key; else why not.</summary>
    public static string? ValidateUserId(string? userId)
    {
        if (string.IsNullOrWhiteSpace(userId))
        {
            return "The user id is empty.";
        }

        if (userId.Length > MaxUserIdLength)
        {
            return $"The user id is longer than {MaxUserIdLength} characters.";
        }

        if (userId.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)))
        {
            return "The user id holds a character that is not allowed ('/', '\\', '#', '?' or a control character).";
        }

        return null;
    }

    public static Dictionary<string, string[]> Validate(IngestionBatch? batch, DateOnly today)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (errors.Count < MaxErrors)
            {
                errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
            }
        }

        if (batch is null)
        {
            Add("body", "The body must be a JSON object with \"signals\" and/or \"engagements\".");
            return errors;
        }

        var signals = batch.Signals ?? [];
        var engagements = batch.Engagements ?? [];
        if (signals.Count == 0 && engagements.Count == 0)
        {
            Add("body", "The batch holds no signals and no engagements.");
        }

        if (signals.Count > MaxSignals)
        {
            Add("signals", $"At most {MaxSignals} signal items per batch; this one has {signals.Count}.");
        }

        if (engagements.Count > MaxEngagements)
        {
            Add("engagements", $"At most {MaxEngagements} engagement items per batch; this one has {engagements.Count}.");
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var seen = new HashSet<(string, string, string)>();
        for (var i = 0; i < signals.Count; i++)
        {
            var path = $"signals[{i}]";
            if (signals[i] is not { } item)
            {
                Add(path, "The item is null.");
                continue;
            }

            CheckUser(path + ".userId", item.UserId, Add);
            if (!Networks.IsKnown(item.Network))
            {
                Add(path + ".network", $"Unknown network '{item.Network}'. Known: {string.Join(", ", Networks.All)}.");
            }

            CheckDay(path + ".day", item.Day, today, Add);
            var vocabulary = Networks.IsKnown(item.Network) ? NetworkVocabulary.For(item.Network!) : null;
            foreach (var (field, signal, value) in item.Counts())
            {
                CheckCount($"{path}.{field}", value, required: false, Add);
                if (value is not null && vocabulary is not null && !vocabulary.Exposes(signal))
                {
                    // Absent is not zero: a signal the network does not have is never stored, not even as 0.
                    Add($"{path}.{field}", $"{vocabulary.Network} has no {NetworkVocabulary.WordsFor(signal)}; leave {field} out.");
                }
            }

            if (item.Counts().All(c => c.Value is null))
            {
                Add(path, "The item carries no signal values.");
            }

            if (item.UserId is not null && item.Network is not null && item.Day is not null && !seen.Add((item.UserId, item.Network, item.Day)))
            {
                Add(path, $"A second item for user '{item.UserId}', network '{item.Network}', day {item.Day}.");
            }
        }

        var seenEdges = new HashSet<(string, string, string)>();
        for (var i = 0; i < engagements.Count; i++)
        {
            var path = $"engagements[{i}]";
            if (engagements[i] is not { } item)
            {
                Add(path, "The item is null.");
                continue;
            }

            CheckUser(path + ".from", item.From, Add);
            CheckUser(path + ".to", item.To, Add);
            CheckDay(path + ".day", item.Day, today, Add);
            CheckCount(path + ".count", item.Count, required: true, Add);
            if (item.From is not null && item.From == item.To)
            {
                Add(path, "An account cannot engage itself.");
            }

            if (item.From is not null && item.To is not null && item.Day is not null && !seenEdges.Add((item.From, item.To, item.Day)))
            {
                Add(path, $"A second item for {item.From} -> {item.To} on {item.Day}.");
            }
        }

        return errors;
    }

    public static DateOnly ParseDay(string day) => DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void CheckUser(string field, string? userId, Action<string, string> add)
    {
        if (ValidateUserId(userId) is { } error)
        {
            add(field, error);
        }
    }

    private static void CheckDay(string field, string? day, DateOnly today, Action<string, string> add)
    {
        if (day is null || !DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            add(field, "The day must be a date as yyyy-MM-dd.");
            return;
        }

        if (parsed > today)
        {
            add(field, $"The day {day} is in the future (today is {today:yyyy-MM-dd} UTC).");
        }
        else if (parsed < today.AddDays(-MaxDaysBack))
        {
            add(field, $"The day {day} is more than {MaxDaysBack} days old.");
        }
    }

    private static void CheckCount(string field, double? value, bool required, Action<string, string> add)
    {
        if (value is null)
        {
            if (required)
            {
                add(field, "The count is required.");
            }

            return;
        }

        if (!double.IsFinite(value.Value) || value.Value < 0 || value.Value > MaxCount)
        {
            add(field, $"The value must be a finite number from 0 to {MaxCount:G}.");
        }
    }
}
