using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using InfluenceFunctions.Domain.Topics;

namespace InfluenceFunctions.Storage.Topics;

/// <summary>
/// The visible topic set (<see cref="VisibleTopics"/>) as the "topics|{user}" row keeps it: the set of its night
/// ("Seen") and of the night before ("PrevDay", "PrevSeen"), as score rows keep Previous.
/// </summary>
public static class VisibleTopicRows
{
    public const string Seen = "Seen";
    public const string PrevDay = "PrevDay";
    public const string PrevSeen = "PrevSeen";

    /// <summary>
    /// The visible set to compare <paramref name="night"/> against: the row's own set when it holds an earlier night,
    /// its stored previous set when it already holds this night (a re-run), nothing when there is no row (a user
    /// without a row has no topics). Null when the row holds a later night: an old night re-run says nothing.
    /// </summary>
    public static (string? Day, SortedDictionary<string, double> Topics)? YesterdayFor(TableEntity? row, DateOnly night, IReadOnlySet<string> hidden, TopicOntology ontology)
    {
        if (row is null)
        {
            return (null, new SortedDictionary<string, double>(StringComparer.Ordinal));
        }

        var nightText = night.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var rowDay = row.GetString("Day") ?? string.Empty;
        var order = string.CompareOrdinal(rowDay, nightText);
        if (order > 0)
        {
            return null;
        }

        if (order < 0)
        {
            // Rows written before this column existed: their visible set, recomputed from the stored profile.
            return (rowDay, row.GetString(Seen) is { } json ? Read(json) : VisibleTopics.Of(PackedJson.Read<TopicProfile>(row, "T"), hidden, ontology));
        }

        return (row.GetString(PrevDay) is { Length: > 0 } prevDay ? prevDay : null, Read(row.GetString(PrevSeen)));
    }

    /// <summary>Writes tonight's set and the one it was compared against into the row.</summary>
    public static void Write(TableEntity row, SortedDictionary<string, double> tonight, (string? Day, SortedDictionary<string, double> Topics) yesterday)
    {
        ArgumentNullException.ThrowIfNull(row);
        row[Seen] = JsonSerializer.Serialize(tonight);
        if (yesterday.Day is { } day)
        {
            row[PrevDay] = day;
            row[PrevSeen] = JsonSerializer.Serialize(yesterday.Topics);
        }
    }

    private static SortedDictionary<string, double> Read(string? json) =>
        new(json is { Length: > 0 } ? JsonSerializer.Deserialize<Dictionary<string, double>>(json) ?? [] : [], StringComparer.Ordinal);
}
