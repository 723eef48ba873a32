namespace InfluenceFunctions.Scoring;

/// <summary>The daily signals the model reads, one value per user, network and day.</summary>
/// <remarks>The numeric values are stored (packed in this order), so append new kinds at the end only.</remarks>
public enum SignalKind
{
    AudienceSize = 0,
    Posts = 1,
    Reactions = 2,
    Reshares = 3,
    Replies = 4,
    MentionsReceived = 5,
    MentionsSent = 6,
    ResharesSent = 7,
    UniqueEngagers = 8,
    ListMemberships = 9,
}

public static class ScoringWindow
{
    /// <summary>Days of activity a score looks at.</summary>
    public const int Days = 90;

    /// <summary>Number of <see cref="SignalKind"/> values per day.</summary>
    public const int SignalCount = 10;
}

/// <summary>
/// One connected network's daily signals over the scoring window. Day index 0 is the oldest day
/// (AsOf - 89), index 89 is the scoring day itself. A NaN value means "no data that day", which is not zero.
/// </summary>
public sealed class NetworkWindow
{
    public NetworkWindow(string network, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != ScoringWindow.Days * ScoringWindow.SignalCount)
        {
            throw new ArgumentException($"Expected {ScoringWindow.Days * ScoringWindow.SignalCount} values.", nameof(values));
        }

        Network = network;
        Values = values;
    }

    public string Network { get; }

    /// <summary>Row-major: day * SignalCount + signal.</summary>
    public float[] Values { get; }

    public float this[int day, SignalKind signal] => Values[(day * ScoringWindow.SignalCount) + (int)signal];

    public static NetworkWindow Empty(string network) =>
        new(network, Enumerable.Repeat(float.NaN, ScoringWindow.Days * ScoringWindow.SignalCount).ToArray());
}

/// <summary>
/// Who engaged whom: <paramref name="UserKey"/> is the other account (see <see cref="UserKeys"/>),
/// <paramref name="Count"/> how often on that day, <paramref name="DaysAgo"/> 0 for the scoring day.
/// </summary>
public readonly record struct Engagement(ulong UserKey, float Count, int DaysAgo);

/// <summary>What the population looked like last night, for weighting engagers.</summary>
public readonly record struct PopulationEntry(byte Score, PopulationFlags Flags);

[Flags]
public enum PopulationFlags : byte
{
    None = 0,

    /// <summary>Scored for fewer than the model's "established" number of nights.</summary>
    New = 1,
}

/// <summary>Last night's scores of everybody, looked up by user key. Missing means unscored or unknown.</summary>
public interface IPopulationScores
{
    bool TryGet(ulong userKey, out PopulationEntry entry);
}
