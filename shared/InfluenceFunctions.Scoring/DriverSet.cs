using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// The drivers of one result: two parallel arrays, cheap to build (no hashing) and small (7 per network
/// plus 3). Lookups scan; it is read a handful of times per user.
/// </summary>
internal sealed class DriverSet : IReadOnlyDictionary<string, double>
{
    private static readonly ConcurrentDictionary<string, string[]> KeysByNetwork = new(StringComparer.Ordinal);

    private readonly string[] keys;
    private readonly double[] values;

    public DriverSet(int capacity)
    {
        keys = new string[capacity];
        values = new double[capacity];
    }

    public int Count { get; private set; }

    public IEnumerable<string> Keys => keys.Take(Count);

    public IEnumerable<double> Values => values.Take(Count);

    public double this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    /// <summary>The seven per-network keys of a network, built once per network name.</summary>
    public static string[] NetworkKeys(string network) =>
        KeysByNetwork.GetOrAdd(network, static n => ScoreDrivers.NetworkSuffixes.Select(s => ScoreDrivers.Key(n, s)).ToArray());

    /// <summary>Adds a finite value; NaN (not reported) is left out.</summary>
    public void Add(string key, double value)
    {
        if (double.IsFinite(value))
        {
            keys[Count] = key;
            values[Count] = value;
            Count++;
        }
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out double value)
    {
        var i = IndexOf(key);
        value = i >= 0 ? values[i] : 0;
        return i >= 0;
    }

    public IEnumerator<KeyValuePair<string, double>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return new KeyValuePair<string, double>(keys[i], values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(keys[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
