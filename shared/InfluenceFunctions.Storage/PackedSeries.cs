using System.Buffers.Binary;
using System.Runtime.InteropServices;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Storage;

/// <summary>
/// One network's daily signals packed for a table column: int32 little-endian day number of the first day, then
/// <see cref="Stride"/> float32 little-endian values per day (NaN = no data), day after day. Two layouts:
/// the signals column (W_{network}) holds the first <see cref="ScoringWindow.SignalCount"/> <see cref="SignalKind"/>s
/// (the v1 layout, unchanged), the extended column (X_{network}) holds views and saves
/// (<see cref="ScoringWindow.ExtendedSignalCount"/>, from <see cref="SignalKind.Views"/>). At most <see cref="MaxDays"/>
/// days are kept, so a column stays far below the 64 KiB property limit (4,804 and 964 bytes).
/// </summary>
public sealed class PackedSeries
{
    public const int MaxDays = SignalRetention.Days;

    private PackedSeries(int stride, int firstDay, float[] values)
    {
        Stride = stride;
        FirstDay = firstDay;
        Values = values;
    }

    /// <summary>Values per day: <see cref="ScoringWindow.SignalCount"/> or <see cref="ScoringWindow.ExtendedSignalCount"/>.</summary>
    public int Stride { get; }

    public int FirstDay { get; private set; }

    public float[] Values { get; private set; }

    public int DayCount => Values.Length / Stride;

    public int LastDay => FirstDay + DayCount - 1;

    /// <summary>An empty series of the signals layout (W_ columns).</summary>
    public static PackedSeries Empty() => new(ScoringWindow.SignalCount, 0, []);

    /// <summary>An empty series of the extended layout (X_ columns: views, saves).</summary>
    public static PackedSeries EmptyExtended() => new(ScoringWindow.ExtendedSignalCount, 0, []);

    /// <summary>A signals column (W_); empty for null.</summary>
    public static PackedSeries Decode(byte[]? bytes) => Decode(bytes, ScoringWindow.SignalCount);

    /// <summary>An extended column (X_); empty for null.</summary>
    public static PackedSeries DecodeExtended(byte[]? bytes) => Decode(bytes, ScoringWindow.ExtendedSignalCount);

    public byte[] Encode()
    {
        var bytes = new byte[4 + (Values.Length * sizeof(float))];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, FirstDay);
        MemoryMarshal.AsBytes(Values.AsSpan()).CopyTo(bytes.AsSpan(4)); // The host's order is the stored little-endian one (x64, Arm64).
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

    /// <summary>The 90 days ending at <paramref name="asOf"/>, <see cref="Stride"/> values a day, NaN where nothing was stored.</summary>
    public float[] WindowValues(DateOnly asOf)
    {
        var window = Nan(ScoringWindow.Days * Stride);
        var windowFirst = asOf.DayNumber - ScoringWindow.Days + 1;
        for (var day = Math.Max(windowFirst, FirstDay); day <= Math.Min(asOf.DayNumber, LastDay); day++)
        {
            Values.AsSpan((day - FirstDay) * Stride, Stride).CopyTo(window.AsSpan((day - windowFirst) * Stride, Stride));
        }

        return window;
    }

    /// <summary>
    /// The scoring window ending at <paramref name="asOf"/> from this signals series and, when the network has one,
    /// its extended series (null: no views or saves were ever stored, so they are absent, as in every v1 row).
    /// </summary>
    public NetworkWindow ToWindow(string network, DateOnly asOf, PackedSeries? extended = null)
    {
        if (Stride != ScoringWindow.SignalCount || extended is { Stride: not ScoringWindow.ExtendedSignalCount })
        {
            throw new InvalidOperationException("A window is made from a signals series and, optionally, an extended one.");
        }

        return new NetworkWindow(network, WindowValues(asOf), extended?.WindowValues(asOf));
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

    private static PackedSeries Decode(byte[]? bytes, int stride)
    {
        if (bytes is null || bytes.Length < 4)
        {
            return new PackedSeries(stride, 0, []);
        }

        if ((bytes.Length - 4) % (stride * sizeof(float)) != 0)
        {
            // A column of the other layout (or a torn one): reading it would shift every signal into the wrong slot.
            throw new InvalidDataException($"A packed series of {stride} values a day cannot be {bytes.Length} bytes long.");
        }

        var firstDay = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var values = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(4)).ToArray(); // A copy, not a loop: every night reads every row.
        return new PackedSeries(stride, firstDay, values);
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
