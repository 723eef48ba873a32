using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// Asks the CPU to start loading all of a user's input (every window and the engagement lists) before the model
/// reads any of it. A user's input is some 15 KB that is usually not in the cache; requested together, the loads
/// overlap instead of each window's stream starting only when the one before is done.
/// </summary>
internal static class InputPrefetch
{
    private const int CacheLine = 64;

    public static void Request(ScoringInput input)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var windows = input.Networks;
        if (windows is not null)
        {
            for (var i = 0; i < windows.Count; i++)
            {
                Request(MemoryMarshal.AsBytes(windows[i].Values.AsSpan()));
                if (windows[i].ExtendedValues is { } extended)
                {
                    Request(MemoryMarshal.AsBytes(extended.AsSpan())); // views and saves (v2); v1 rows have none
                }
            }
        }

        Request(input.Inbound);
        Request(input.Outbound);
    }

    private static void Request(IReadOnlyList<Engagement>? engagements)
    {
        switch (engagements)
        {
            case Engagement[] array:
                Request(MemoryMarshal.AsBytes(array.AsSpan()));
                break;
            case List<Engagement> list:
                Request(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(list)));
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Request(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            for (var offset = 0; offset < bytes.Length; offset += CacheLine)
            {
                Sse.Prefetch0(start + offset);
            }
        }
    }
}
