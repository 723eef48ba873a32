using Azure.Data.Tables;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Storage;

/// <summary>
/// The user row of table "signals" (PK = shard, RK = user id). Columns: W_{network} = <see cref="PackedSeries"/> of the
/// first <see cref="ScoringWindow.SignalCount"/> signals for each connected network; X_{network} = its extended series
/// (views and saves), only once the network has reported one of them (a v1 row has none: absent, not zero);
/// In / Out = <see cref="PackedEngagements"/> (others engaging the user / the user engaging others). A row with no W_
/// column belongs to an account that only engages (not a user of ours).
/// </summary>
public static class SignalRows
{
    public const string InboundColumn = "In";
    public const string OutboundColumn = "Out";
    private const string WindowPrefix = "W_";
    private const string ExtendedPrefix = "X_";

    public static string WindowColumn(string network) => WindowPrefix + network;

    /// <summary>The column of a network's views and saves.</summary>
    public static string ExtendedColumn(string network) => ExtendedPrefix + network;

    /// <summary>Every column that holds a network's signals (what a disconnection deletes).</summary>
    public static IReadOnlyList<string> NetworkColumns(string network) => [WindowColumn(network), ExtendedColumn(network)];

    public static IEnumerable<string> ConnectedNetworks(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Keys.Where(k => k.StartsWith(WindowPrefix, StringComparison.Ordinal)).Select(k => k[WindowPrefix.Length..]);
    }

    public static ScoringInput ToScoringInput(TableEntity row, DateOnly asOf, PreviousScore? yesterday)
    {
        ArgumentNullException.ThrowIfNull(row);
        var windowFirst = asOf.DayNumber - ScoringWindow.Days + 1;
        var networks = new List<NetworkWindow>();
        foreach (var (column, value) in row)
        {
            if (column.StartsWith(WindowPrefix, StringComparison.Ordinal) && value is byte[] bytes)
            {
                var network = column[WindowPrefix.Length..];
                var series = PackedSeries.Decode(bytes);
                var extended = row.GetBinary(ExtendedColumn(network)) is { } extendedBytes ? PackedSeries.DecodeExtended(extendedBytes) : null;
                networks.Add(series.HasDataSince(windowFirst) || extended?.HasDataSince(windowFirst) == true
                    ? series.ToWindow(network, asOf, extended)
                    : NetworkWindow.Empty(network));
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
