using System.IO.Compression;
using Azure.Data.Tables;

namespace InfluenceFunctions.Storage.Runs;

/// <summary>
/// Bytes too long for one table property (a binary property holds at most 64 KiB, a string 32K characters), gzipped and
/// split over columns {name}0, {name}1, ... of one entity (1 MB in all), so a single write stores them whole.
/// </summary>
public static class BinaryColumns
{
    /// <summary>Bytes per column, under the 64 KiB limit of a binary property.</summary>
    public const int ColumnBytes = 64_000;

    /// <summary>Columns at most: 14 x 64,000 bytes stays under the 1 MB entity limit with the keys and other columns.</summary>
    public const int MaxColumns = 14;

    /// <summary>Writes <paramref name="data"/> compressed into the columns of <paramref name="entity"/>.</summary>
    /// <exception cref="InvalidOperationException">Even compressed, the data does not fit in one entity.</exception>
    public static void Write(TableEntity entity, string name, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        var compressed = buffer.ToArray();
        var columns = (compressed.Length + ColumnBytes - 1) / ColumnBytes;
        if (columns > MaxColumns)
        {
            throw new InvalidOperationException($"{name}: {compressed.Length:N0} compressed bytes do not fit in one table entity.");
        }

        for (var c = 0; c < Math.Max(columns, 1); c++)
        {
            var offset = c * ColumnBytes;
            entity[name + c] = compressed.AsSpan(offset, Math.Min(ColumnBytes, compressed.Length - offset)).ToArray();
        }
    }

    /// <summary>The bytes <see cref="Write"/> stored, or null when the entity has no such columns.</summary>
    public static byte[]? Read(TableEntity entity, string name)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var compressed = new MemoryStream();
        for (var c = 0; c < MaxColumns && entity.GetBinary(name + c) is { } part; c++)
        {
            compressed.Write(part);
        }

        if (compressed.Length == 0)
        {
            return null;
        }

        compressed.Position = 0;
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);
        return plain.ToArray();
    }
}
