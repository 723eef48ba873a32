using System.Text;
using Azure.Data.Tables;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Storage.Runs;

/// <summary>
/// A night's calibration as a row of table "calibration" (PK = model version, RK = day, newest first). The knots and the
/// shape stay readable text in column Knots (a v1 row is that column only); model v2's network scales, 14-17K characters
/// for 3 networks and about 50K for 11 (over a string property's 32K), go gzipped into binary columns Scales0, Scales1...
/// of the same row, so the knots and the scales they were fitted with are written in one request.
/// </summary>
public static class CalibrationRows
{
    public const string KnotsColumn = "Knots";
    public const string ScalesColumn = "Scales";

    private const string ScaleLinePrefix = "scale;";

    public static TableEntity ToEntity(Calibration calibration, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        var lines = calibration.Serialize().Split('\n');
        var row = new TableEntity(calibration.ModelVersion, DayKeys.NewestFirst(day))
        {
            [KnotsColumn] = string.Join('\n', lines.Where(l => !l.StartsWith(ScaleLinePrefix, StringComparison.Ordinal))),
        };
        var scales = lines.Where(l => l.StartsWith(ScaleLinePrefix, StringComparison.Ordinal)).ToList();
        if (scales.Count > 0)
        {
            BinaryColumns.Write(row, ScalesColumn, Encoding.UTF8.GetBytes(string.Join('\n', scales)));
        }

        return row;
    }

    /// <summary>The calibration of a row (older rows hold the whole text in Knots: it still parses).</summary>
    public static Calibration Read(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var knots = row.GetString(KnotsColumn) ?? throw new FormatException($"Calibration row {row.PartitionKey}/{row.RowKey} has no {KnotsColumn}.");
        return BinaryColumns.Read(row, ScalesColumn) is { } scales
            ? Calibration.Parse(knots + "\n" + Encoding.UTF8.GetString(scales))
            : Calibration.Parse(knots);
    }
}
