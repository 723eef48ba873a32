using System.Text;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// A stable 64-bit key for a user id (FNV-1a over UTF-8). Engagement edges and the population
/// snapshot use it instead of the id string, so they stay small; collisions at 64 bits are negligible
/// for populations in the hundreds of millions.
/// </summary>
public static class UserKeys
{
    public static ulong Of(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        const ulong offset = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;
        Span<byte> buffer = userId.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(userId.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(userId.Length)];
        var length = Encoding.UTF8.GetBytes(userId, buffer);
        var hash = offset;
        foreach (var b in buffer[..length])
        {
            hash ^= b;
            hash *= prime;
        }

        return hash;
    }
}
