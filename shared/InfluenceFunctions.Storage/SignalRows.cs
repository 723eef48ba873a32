using Azure.Data.Tables;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Storage;

/// <summary>
/// The user row of table "signals" (PK = shard, RK = user id). Columns: W_{network} = <see cref="PackedSeries"/>
/// for each connected network, In / Out = <see cref="PackedEngagements"/> (others engaging the user / the user
/// engaging others). A row with no W_ column belongs to an account that only engages (not a user of ours).
/// </summary>
public static class SignalRows
{
    public const string InboundColumn = "In";
    public const string OutboundColumn = "Out";
    private const string WindowPrefix = "W_";

    public static string WindowColumn(string network) => WindowPrefix + network;

    public static IEnumerable<string> ConnectedNetworks(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Keys.Where(k => k.StartsWith(WindowPrefix, StringComparison.Ordinal)).Select(k => k[WindowPrefix.Length..]);
    }

    public static ScoringInput ToScoringInput(TableEntity row, DateOnly asOf, PreviousScore? yesterday)
    {
        ArgumentNullException.ThrowIfNull(row);
        var networks = new List<NetworkWindow>();
        foreach (var (column, value) in row)
        {
            if (column.StartsWith(WindowPrefix, StringComparison.Ordinal) && value is byte[] bytes)
            {
                var series = PackedSeries.Decode(bytes);
                if (series.HasDataSince(asOf.DayNumber - ScoringWindow.Days + 1))
                {
                    networks.Add(series.ToWindow(column[WindowPrefix.Length..], asOf));
                }
                else
                {
                    networks.Add(NetworkWindow.Empty(column[WindowPrefix.Length..]));
                }
            }
        }

        networks.Sort((a, b) => string.CompareOrdinal(a.Network, b.Network));
        return new ScoringInput(
            row.RowKey,
            UserKeys.Of(row.RowKey),
            asOf,
            networks,
            PackedEngagements.ReadWindow(row.GetBinary(InboundColumn), asOf),
            PackedEngagements.ReadWindow(row.GetBinary(OutboundColumn), asOf),
            yesterday);
    }
}
