using System.IO.Compression;
using System.Text.Json;
using Azure.Data.Tables;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Storage.Ingestion;
using InfluenceFunctions.Storage.Topics;

namespace InfluenceFunctions.Storage;

/// <summary>
/// A JSON value stored gzipped across binary columns {prefix}0..{prefix}14 of one entity (a binary property is at
/// most 64 KiB, an entity at most 1 MiB), so a user's posts or a shard's candidates are one row, read by the
/// partition query that reads the shard.
/// </summary>
public static class PackedJson
{
    public const int MaxColumns = 15;
    private const int ColumnBytes = 60_000;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static byte[] Compress<T>(T value)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            JsonSerializer.Serialize(gzip, value, Json);
        }

        return buffer.ToArray();
    }

    /// <summary>Whether the value fits in one row's columns.</summary>
    public static bool Fits(byte[] compressed) => compressed?.Length <= MaxColumns * ColumnBytes;

    public static void Write<T>(TableEntity row, string prefix, T value) => WriteCompressed(row, prefix, Compress(value));

    public static void WriteCompressed(TableEntity row, string prefix, byte[] compressed)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(compressed);
        if (!Fits(compressed))
        {
            throw new InvalidOperationException($"{compressed.Length} bytes do not fit in {MaxColumns} columns; cap the value first.");
        }

        for (var i = 0; i < MaxColumns; i++)
        {
            var offset = i * ColumnBytes;
            if (offset < compressed.Length)
            {
                row[prefix + i] = compressed.AsSpan(offset, Math.Min(ColumnBytes, compressed.Length - offset)).ToArray();
            }
            else
            {
                row.Remove(prefix + i);
            }
        }
    }

    public static T? Read<T>(TableEntity row, string prefix)
    {
        ArgumentNullException.ThrowIfNull(row);
        using var buffer = new MemoryStream();
        for (var i = 0; i < MaxColumns && row.GetBinary(prefix + i) is { } part; i++)
        {
            buffer.Write(part);
        }

        if (buffer.Length == 0)
        {
            return default;
        }

        buffer.Position = 0;
        using var gzip = new GZipStream(buffer, CompressionMode.Decompress);
        return JsonSerializer.Deserialize<T>(gzip, Json);
    }
}
