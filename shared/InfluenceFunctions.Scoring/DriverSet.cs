using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// The drivers of one result: the values in one array (7 per network, then the 3 engagement drivers; NaN
/// where a network does not report a driver, which is then left out), the keys shared with every other result
/// for the same networks. Cheap to build, small to keep; lookups scan, as it is read a handful of times.
/// </summary>
internal sealed class DriverSet : IReadOnlyDictionary<string, double>
{
    private const int InlineNetworks = 4;

    private static readonly ConcurrentDictionary<string, string[]> KeysByNetwork = new(StringComparer.Ordinal);

    [ThreadStatic]
    private static (string Name, string[] Keys)[]? recentKeys;

    private NetworkKeyArrays inlineKeys;
    private readonly string[][]? moreKeys;
    private readonly int networks;
    private readonly double[] values;

    public DriverSet(int networks)
    {
        this.networks = networks;
        values = new double[(networks * NetworkDrivers.Count) + EngagementDrivers.Count];
        if (networks > InlineNetworks)
        {
            moreKeys = new string[networks][];
        }
    }

    public int Count { get; private set; }

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<double> Values => this.Select(p => p.Value);

    public double this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    /// <summary>The seven per-network keys of a network, built once per network name.</summary>
    public static string[] NetworkKeys(string network)
    {
        // Network names mostly come from a handful of string instances: a per-thread reference check avoids hashing.
        var recent = recentKeys ??= new (string, string[])[8];
        var home = RuntimeHelpers.GetHashCode(network) & (recent.Length - 1);
        if (ReferenceEquals(recent[home].Name, network))
        {
            return recent[home].Keys;
        }

        var keys = KeysByNetwork.GetOrAdd(network, static n => ScoreDrivers.NetworkSuffixes.Select(s => ScoreDrivers.Key(n, s)).ToArray());
        recent[home] = (network, keys);
        return keys;
    }

    public void SetNetwork(int index, string[] keys, in NetworkDrivers drivers)
    {
        if (moreKeys is null)
        {
            inlineKeys[index] = keys;
        }
        else
        {
            moreKeys[index] = keys;
        }

        // In the order of NetworkDrivers' indexer (ScoreDrivers.NetworkSuffixes), field by field: no switch per value.
        var offset = index * NetworkDrivers.Count;
        Set(offset, drivers.Engagers);
        Set(offset + 1, drivers.Reactions);
        Set(offset + 2, drivers.Mentions);
        Set(offset + 3, drivers.Posts);
        Set(offset + 4, drivers.Reshares);
        Set(offset + 5, drivers.Replies);
        Set(offset + 6, drivers.Audience);
    }

    public void SetEngagement(in EngagementDrivers drivers)
    {
        var offset = networks * NetworkDrivers.Count;
        Set(offset, drivers.EngagerWeight);
        Set(offset + 1, drivers.RingShare);
        Set(offset + 2, drivers.NewOrUnscoredShare);
    }

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out double value)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsNaN(values[i]) && string.Equals(KeyAt(i), key, StringComparison.Ordinal))
            {
                value = values[i];
                return true;
            }
        }

        value = 0;
        return false;
    }

    public IEnumerator<KeyValuePair<string, double>> GetEnumerator()
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsNaN(values[i]))
            {
                yield return new KeyValuePair<string, double>(KeyAt(i), values[i]);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Set(int index, double value)
    {
        // Not reported (NaN) stays out; anything else non-finite cannot come from the averages.
        var known = double.IsFinite(value);
        values[index] = known ? value : double.NaN;
        Count += known ? 1 : 0;
    }

    private string KeyAt(int index)
    {
        var network = index / NetworkDrivers.Count;
        if (network >= networks)
        {
            return ScoreDrivers.EngagementKeys[index - (networks * NetworkDrivers.Count)];
        }

        var keys = moreKeys is null ? inlineKeys[network] : moreKeys[network];
        return keys[index % NetworkDrivers.Count];
    }

    [InlineArray(InlineNetworks)]
    private struct NetworkKeyArrays
    {
        private string[] first;
    }
}
