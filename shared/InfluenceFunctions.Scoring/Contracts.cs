namespace InfluenceFunctions.Scoring;

/// <summary>The daily signals the model reads, one value per user, network and day.</summary>
/// <remarks>
/// The numeric values are stored (packed in this order), so append new kinds at the end only. Kinds below
/// <see cref="ScoringWindow.SignalCount"/> live in <see cref="NetworkWindow.Values"/> (the layout v1 rows are packed
/// in); the kinds added for model v2 live in <see cref="NetworkWindow.ExtendedValues"/>.
/// Which kinds a network really exposes is <see cref="NetworkVocabulary"/>.
/// </remarks>
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

    /// <summary>Views or plays of the user's posts (video networks; impressions where a network reports them).</summary>
    Views = 10,

    /// <summary>Saves, bookmarks or favourites-to-collection of the user's posts.</summary>
    Saves = 11,
}

public static class ScoringWindow
{
    /// <summary>Days of activity a score looks at.</summary>
    public const int Days = 90;

    /// <summary>
    /// Number of <see cref="SignalKind"/> values per day in <see cref="NetworkWindow.Values"/>: the packed layout of v1
    /// rows, which stays as it is so that stored rows stay readable.
    /// </summary>
    public const int SignalCount = 10;

    /// <summary>Number of <see cref="SignalKind"/> values per day in <see cref="NetworkWindow.ExtendedValues"/> (views, saves).</summary>
    public const int ExtendedSignalCount = 2;

    /// <summary>Every <see cref="SignalKind"/>: <see cref="SignalCount"/> plus <see cref="ExtendedSignalCount"/>.</summary>
    public const int AllSignalCount = SignalCount + ExtendedSignalCount;
}

/// <summary>
/// One connected network's daily signals over the scoring window. Day index 0 is the oldest day
/// (AsOf - 89), index 89 is the scoring day itself. A NaN value means "no data that day", which is not zero.
/// </summary>
public sealed class NetworkWindow
{
    public NetworkWindow(string network, float[] values)
        : this(network, values, null)
    {
    }

    /// <param name="network">The network's name (see <see cref="NetworkVocabulary"/>).</param>
    /// <param name="values">The first <see cref="ScoringWindow.SignalCount"/> signals per day (see <see cref="Values"/>).</param>
    /// <param name="extendedValues">
    /// Views and saves per day (see <see cref="ExtendedValues"/>), or null when the network reports neither (every v1 row).
    /// </param>
    public NetworkWindow(string network, float[] values, float[]? extendedValues)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != ScoringWindow.Days * ScoringWindow.SignalCount)
        {
            throw new ArgumentException($"Expected {ScoringWindow.Days * ScoringWindow.SignalCount} values.", nameof(values));
        }

        if (extendedValues is not null && extendedValues.Length != ScoringWindow.Days * ScoringWindow.ExtendedSignalCount)
        {
            throw new ArgumentException($"Expected {ScoringWindow.Days * ScoringWindow.ExtendedSignalCount} extended values.", nameof(extendedValues));
        }

        Network = network;
        Values = values;
        ExtendedValues = extendedValues;
    }

    public string Network { get; }

    /// <summary>Row-major: day * SignalCount + signal, for the signals before <see cref="SignalKind.Views"/>.</summary>
    public float[] Values { get; }

    /// <summary>
    /// Row-major: day * ExtendedSignalCount + (signal - <see cref="SignalKind.Views"/>), for views and saves; null when
    /// the window has none of them (they are then absent on every day, not zero). Model v1 does not read them.
    /// </summary>
    public float[]? ExtendedValues { get; }

    public float this[int day, SignalKind signal] => (int)signal < ScoringWindow.SignalCount
        ? Values[(day * ScoringWindow.SignalCount) + (int)signal]
        : ExtendedValues is { } extended
            ? extended[(day * ScoringWindow.ExtendedSignalCount) + ((int)signal - ScoringWindow.SignalCount)]
            : float.NaN;

    /// <summary>Views and saves need their own array: an all-NaN one of the right size, to fill in.</summary>
    public static float[] NewExtendedValues()
    {
        var values = new float[ScoringWindow.Days * ScoringWindow.ExtendedSignalCount];
        Array.Fill(values, float.NaN);
        return values;
    }

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
