using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using InfluenceFunctions.Domain;

namespace InfluenceFunctions.Storage;

/// <summary>
/// A user's score row (table "scores", PK = shard, RK = user id). Holds the latest night's result, the night
/// before it (so re-running the same night reads the same "yesterday"), and a packed daily history.
/// </summary>
public sealed class ScoreEntity : ITableEntity
{
    public ScoreEntity()
    {
    }

    public ScoreEntity(string shardKey, string userId)
    {
        PartitionKey = shardKey;
        RowKey = userId;
    }

    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    [IgnoreDataMember]
    public string UserId => RowKey;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>The night (yyyy-MM-dd) the current result is for.</summary>
    public string Day { get; set; } = string.Empty;

    public string RunId { get; set; } = string.Empty;

    [IgnoreDataMember]
    public ScoreSnapshotColumns Current { get; set; } = new();

    /// <summary>Current.* columns flattened; Table Storage has no nested objects.</summary>
    public string ModelVersion { get => Current.ModelVersion; set => Current.ModelVersion = value; }

    public string Status { get => ScoreRowStatuses.ToStored(Current.Status); set => Current.Status = ScoreRowStatuses.FromStored(value); }

    public string? Reason { get => Current.Reason; set => Current.Reason = value; }

    public int? Score { get => Current.Score; set => Current.Score = value; }

    public double RawIndex { get => Current.RawIndex; set => Current.RawIndex = value; }

    public double? Reach { get => Current.Reach; set => Current.Reach = ScoreSnapshotColumns.Measured(value); }

    public double? Amplification { get => Current.Amplification; set => Current.Amplification = ScoreSnapshotColumns.Measured(value); }

    public double? Network { get => Current.Network; set => Current.Network = ScoreSnapshotColumns.Measured(value); }

    public int NightsScored { get => Current.NightsScored; set => Current.NightsScored = value; }

    /// <summary>JSON object: driver name to value.</summary>
    public string Drivers { get => Current.Drivers; set => Current.Drivers = value; }

    /// <summary>JSON array of what moved the score since the previous night.</summary>
    public string Moves { get; set; } = "[]";

    /// <summary>The previous night's result (empty PrevDay on the first night).</summary>
    public string PrevDay { get; set; } = string.Empty;

    [IgnoreDataMember]
    public ScoreSnapshotColumns Previous { get; set; } = new();

    public string PrevModelVersion { get => Previous.ModelVersion; set => Previous.ModelVersion = value; }

    public string PrevStatus { get => ScoreRowStatuses.ToStored(Previous.Status); set => Previous.Status = ScoreRowStatuses.FromStored(value); }

    public int? PrevScore { get => Previous.Score; set => Previous.Score = value; }

    public double PrevRawIndex { get => Previous.RawIndex; set => Previous.RawIndex = value; }

    public double? PrevReach { get => Previous.Reach; set => Previous.Reach = ScoreSnapshotColumns.Measured(value); }

    public double? PrevAmplification { get => Previous.Amplification; set => Previous.Amplification = ScoreSnapshotColumns.Measured(value); }

    public double? PrevNetwork { get => Previous.Network; set => Previous.Network = ScoreSnapshotColumns.Measured(value); }

    public int PrevNightsScored { get => Previous.NightsScored; set => Previous.NightsScored = value; }

    public string PrevDrivers { get => Previous.Drivers; set => Previous.Drivers = value; }

    /// <summary>Packed daily scores (see <see cref="ScoreHistory"/>).</summary>
    public byte[]? History { get; set; }
}

/// <summary>One night's result as stored; not a column itself (ignored by the SDK), its fields are.</summary>
public sealed class ScoreSnapshotColumns
{
    public string ModelVersion { get; set; } = string.Empty;

    public ScoreRowStatus Status { get; set; }

    public string? Reason { get; set; }

    public int? Score { get; set; }

    public double RawIndex { get; set; }

    /// <summary>
    /// The components, 0-100; null when nothing the component is made of was measured (model v2: no reshares, replies
    /// or saves means no Amplification, not 0). A null column is not written, so an absent component has no column.
    /// </summary>
    public double? Reach { get; set; }

    /// <inheritdoc cref="Reach"/>
    public double? Amplification { get; set; }

    /// <inheritdoc cref="Reach"/>
    public double? Network { get; set; }

    public int NightsScored { get; set; }

    public string Drivers { get; set; } = "{}";

    /// <summary>A component as stored: the model's NaN (absent) is null, since neither a table nor JSON holds a NaN as "not measured".</summary>
    public static double? Measured(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}

/// <summary>What a score row's night says about the person (sent in views as "scored", "unscored", ...).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(KebabCaseEnumConverter<ScoreRowStatus>))]
public enum ScoreRowStatus
{
    /// <summary>No result yet (a row never written).</summary>
    None,
    Scored,
    Unscored,

    /// <summary>No connected network: kept for the person's export, never served.</summary>
    Withdrawn,
}

/// <summary>The stored spelling of <see cref="ScoreRowStatus"/> ("scored", "unscored", "withdrawn"; empty for none).</summary>
public static class ScoreRowStatuses
{
    public static string ToStored(ScoreRowStatus status) => status == ScoreRowStatus.None ? string.Empty : StoredNames.Of(status);

    public static ScoreRowStatus FromStored(string? text) => StoredNames.Parse(text, ScoreRowStatus.None);
}
