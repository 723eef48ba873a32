using System.Buffers.Binary;
using System.Runtime.InteropServices;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Storage;

/// <summary>
/// One network's daily signals packed for a table column: int32 day number of the first day, then
/// <see cref="ScoringWindow.SignalCount"/> float32 values per day (NaN = no data). At most
/// <see cref="MaxDays"/> days are kept, so a column stays far below the 64 KiB property limit.
/// </summary>
public sealed class PackedSeries
{
    public const int MaxDays = Domain.SignalRetention.Days;
    private const int Stride = ScoringWindow.SignalCount;

    private PackedSeries(int firstDay, float[] values)
    {
        FirstDay = firstDay;
        Values = values;
    }

    public int FirstDay { get; private set; }

    public float[] Values { get; private set; }

    public int DayCount => Values.Length / Stride;

    public int LastDay => FirstDay + DayCount - 1;

    public static PackedSeries Empty() => new(0, []);

    public static PackedSeries Decode(byte[]? bytes)
    {
        if (bytes is null || bytes.Length < 4)
        {
            return Empty();
        }

        var firstDay = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var values = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(4)).ToArray();
        return new PackedSeries(firstDay, values);
    }

    public byte[] Encode()
    {
        var bytes = new byte[4 + (Values.Length * sizeof(float))];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, FirstDay);
        MemoryMarshal.AsBytes(Values.AsSpan()).CopyTo(bytes.AsSpan(4));
        return bytes;
    }

    /// <summary>Sets one day's signals (replacing what was there, so re-ingesting the same day is idempotent).</summary>
    public void Set(int dayNumber, ReadOnlySpan<float> signals)
    {
        if (signals.Length != Stride)
        {
            throw new ArgumentException($"Expected {Stride} signals.", nameof(signals));
        }

        if (DayCount == 0)
        {
            FirstDay = dayNumber;
            Values = Nan(Stride);
        }
        else if (dayNumber < FirstDay)
        {
            var grown = Nan((LastDay - dayNumber + 1) * Stride);
            Values.CopyTo(grown, (FirstDay - dayNumber) * Stride);
            FirstDay = dayNumber;
            Values = grown;
        }
        else if (dayNumber > LastDay)
        {
            var grown = Nan((dayNumber - FirstDay + 1) * Stride);
            Values.CopyTo(grown, 0);
            Values = grown;
        }

        signals.CopyTo(Values.AsSpan((dayNumber - FirstDay) * Stride, Stride));
        TrimTo(MaxDays);
    }

    /// <summary>The scoring window ending at <paramref name="asOf"/> (90 days, NaN where nothing was stored).</summary>
    public NetworkWindow ToWindow(string network, DateOnly asOf)
    {
        var window = Nan(ScoringWindow.Days * Stride);
        var windowFirst = asOf.DayNumber - ScoringWindow.Days + 1;
        for (var day = Math.Max(windowFirst, FirstDay); day <= Math.Min(asOf.DayNumber, LastDay); day++)
        {
            Values.AsSpan((day - FirstDay) * Stride, Stride).CopyTo(window.AsSpan((day - windowFirst) * Stride, Stride));
        }

        return new NetworkWindow(network, window);
    }

    public bool HasDataSince(int dayNumber)
    {
        for (var day = Math.Max(dayNumber, FirstDay); day <= LastDay; day++)
        {
            var span = Values.AsSpan((day - FirstDay) * Stride, Stride);
            foreach (var v in span)
            {
                if (!float.IsNaN(v))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void TrimTo(int maxDays)
    {
        if (DayCount <= maxDays)
        {
            return;
        }

        var drop = DayCount - maxDays;
        Values = Values.AsSpan(drop * Stride).ToArray();
        FirstDay += drop;
    }

    private static float[] Nan(int length)
    {
        var values = new float[length];
        Array.Fill(values, float.NaN);
        return values;
    }
}
