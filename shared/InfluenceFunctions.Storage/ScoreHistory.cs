using System.Buffers.Binary;
using InfluenceFunctions.Domain;

namespace InfluenceFunctions.Storage;

/// <summary>
/// Daily scores packed for one column: int32 day number of the first day, then one byte per day
/// (0 = no result, 1-100 = score, 255 = unscored). Up to <see cref="MaxDays"/> days: a year of history plus
/// slack, about 400 bytes, kept in the score row so history costs no extra reads or writes.
/// </summary>
public static class ScoreHistory
{
    public const int MaxDays = 400;
    public const byte Unscored = 255;

    public static byte[] Set(byte[]? packed, DateOnly day, byte value)
    {
        var (first, days) = Decode(packed);
        var dayNumber = day.DayNumber;
        if (days.Length == 0)
        {
            first = dayNumber;
            days = new byte[1];
        }
        else if (dayNumber < first)
        {
            var grown = new byte[days.Length + (first - dayNumber)];
            days.CopyTo(grown, first - dayNumber);
            first = dayNumber;
            days = grown;
        }
        else if (dayNumber >= first + days.Length)
        {
            var grown = new byte[dayNumber - first + 1];
            days.CopyTo(grown, 0);
            days = grown;
        }

        days[dayNumber - first] = value;
        if (days.Length > MaxDays)
        {
            var drop = days.Length - MaxDays;
            days = days[drop..];
            first += drop;
        }

        var bytes = new byte[4 + days.Length];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, first);
        days.CopyTo(bytes, 4);
        return bytes;
    }

    /// <summary>The stored value for a day, or 0 when there is none.</summary>
    public static byte Get(byte[]? packed, DateOnly day)
    {
        var (first, days) = Decode(packed);
        var index = day.DayNumber - first;
        return index >= 0 && index < days.Length ? days[index] : (byte)0;
    }

    /// <summary>Every day with a result in [from, to], oldest first.</summary>
    public static IEnumerable<(DateOnly Day, byte Value)> Range(byte[]? packed, DateOnly from, DateOnly to)
    {
        var (first, days) = Decode(packed);
        for (var d = Math.Max(from.DayNumber, first); d <= Math.Min(to.DayNumber, first + days.Length - 1); d++)
        {
            var value = days[d - first];
            if (value != 0)
            {
                yield return (DateOnly.FromDayNumber(d), value);
            }
        }
    }

    private static (int First, byte[] Days) Decode(byte[]? packed) =>
        packed is null || packed.Length < 4
            ? (0, Array.Empty<byte>())
            : (BinaryPrimitives.ReadInt32LittleEndian(packed), packed[4..]);
}
