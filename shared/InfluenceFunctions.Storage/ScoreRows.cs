using System.Globalization;
using System.Text.Json;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage.Runs;

namespace InfluenceFunctions.Storage;

/// <summary>Conversions between a stored score row and the model's types.</summary>
public static class ScoreRows
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The result the model should treat as "yesterday" when scoring <paramref name="day"/>: the current result when it
    /// is older than <paramref name="day"/>, the stored previous one when the row already holds <paramref name="day"/>
    /// (a re-run). Null on a first night.
    /// </summary>
    public static PreviousScore? YesterdayFor(ScoreEntity? row, DateOnly day)
    {
        if (row is null || row.Day.Length == 0)
        {
            return null;
        }

        var rowDay = DateOnly.Parse(row.Day, CultureInfo.InvariantCulture);
        if (rowDay < day)
        {
            return ToPrevious(rowDay, row.Current);
        }

        return row.PrevDay.Length == 0 ? null : ToPrevious(DateOnly.Parse(row.PrevDay, CultureInfo.InvariantCulture), row.Previous);
    }

    /// <summary>Writes <paramref name="result"/> for <paramref name="day"/> into the row, shifting the current result to "previous" first.</summary>
    public static void Apply(ScoreEntity row, DateOnly day, string runId, ScoreResult result)
    {
        StartDay(row, day, runId);
        row.Current = new ScoreSnapshotColumns
        {
            ModelVersion = result.ModelVersion,
            Status = result.Status == ScoreStatus.Scored ? ScoreRowStatus.Scored : ScoreRowStatus.Unscored,
            Reason = result.UnscoredReason,
            Score = result.Score,
            RawIndex = result.RawIndex,
            Reach = ScoreSnapshotColumns.Measured(result.Reach),
            Amplification = ScoreSnapshotColumns.Measured(result.Amplification),
            Network = ScoreSnapshotColumns.Measured(result.Network),
            NightsScored = result.NightsScored,
            Drivers = JsonSerializer.Serialize(result.Drivers, Json),
        };
        row.Moves = JsonSerializer.Serialize(result.Moves, Json);
        row.History = ScoreHistory.Set(row.History, day, result.Score is { } score ? (byte)score : ScoreHistory.Unscored);
    }

    public static bool IsWithdrawn(ScoreEntity row) => row?.Current.Status == ScoreRowStatus.Withdrawn;

    /// <summary>Records that <paramref name="day"/> did not score the person because they have no connected network.</summary>
    public static void Withdraw(ScoreEntity row, DateOnly day, string runId)
    {
        ArgumentNullException.ThrowIfNull(row);
        var before = row.Current;
        StartDay(row, day, runId);
        row.Current = new ScoreSnapshotColumns
        {
            ModelVersion = before.ModelVersion,
            NightsScored = before.NightsScored,
            Status = ScoreRowStatus.Withdrawn,
            Reason = "no connected network",
            Drivers = "{}",
        };
        row.Moves = "[]";
        row.History = ScoreHistory.Set(row.History, day, ScoreHistory.Unscored);
    }

    /// <summary>Makes the row hold <paramref name="day"/>: the current result becomes "previous" unless the row already holds that day (a re-run).</summary>
    private static void StartDay(ScoreEntity row, DateOnly day, string runId)
    {
        var dayText = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (row.Day.Length > 0 && row.Day != dayText)
        {
            row.PrevDay = row.Day;
            row.Previous = Copy(row.Current);
        }

        row.Day = dayText;
        row.RunId = runId;
    }

    /// <summary>The stored current result as the model's type (moves left out; an absent component is NaN again).</summary>
    public static ScoreResult ToResult(ScoreEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var c = row.Current;
        return new ScoreResult(
            c.ModelVersion, c.Status == ScoreRowStatus.Scored ? ScoreStatus.Scored : ScoreStatus.Unscored, c.Reason, c.Score,
            c.RawIndex, c.Reach ?? double.NaN, c.Amplification ?? double.NaN, c.Network ?? double.NaN, c.NightsScored, Drivers(c.Drivers), []);
    }

    public static IReadOnlyList<ScoreMove> Moves(ScoreEntity row) =>
        JsonSerializer.Deserialize<List<ScoreMove>>(row.Moves, Json) ?? [];

    public static IReadOnlyDictionary<string, double> Drivers(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, double>>(json, Json) ?? [];

    private static PreviousScore ToPrevious(DateOnly day, ScoreSnapshotColumns c) => new(
        day,
        c.ModelVersion,
        c.Status == ScoreRowStatus.Scored ? ScoreStatus.Scored : ScoreStatus.Unscored,
        c.Score,
        c.RawIndex,
        c.Reach ?? double.NaN, // absent, as the model said it
        c.Amplification ?? double.NaN,
        c.Network ?? double.NaN,
        c.NightsScored,
        Drivers(c.Drivers));

    private static ScoreSnapshotColumns Copy(ScoreSnapshotColumns c) => new()
    {
        ModelVersion = c.ModelVersion,
        Status = c.Status,
        Reason = c.Reason,
        Score = c.Score,
        RawIndex = c.RawIndex,
        Reach = c.Reach,
        Amplification = c.Amplification,
        Network = c.Network,
        NightsScored = c.NightsScored,
        Drivers = c.Drivers,
    };
}
