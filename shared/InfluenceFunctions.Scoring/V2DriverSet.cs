using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// Model v2's drivers of one result (<see cref="V2NetworkDrivers.Count"/> per network, then the engagement drivers;
/// NaN where absent, which is then left out), with the keys shared by every result for the same networks. The same
/// idea as v1's <see cref="DriverSet"/>, with v2's driver list.
/// </summary>
internal sealed class V2DriverSet : IReadOnlyDictionary<string, double>
{
    private static readonly ConcurrentDictionary<string, string[]> KeysByNetwork = new(StringComparer.Ordinal);

    private readonly string[][] keys;
    private readonly double[] values;
    private readonly int networks;

    public V2DriverSet(int networks)
    {
        this.networks = networks;
        keys = new string[networks][];
        values = new double[(networks * V2NetworkDrivers.Count) + EngagementDrivers.Count];
    }

    public int Count { get; private set; }

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<double> Values => this.Select(p => p.Value);

    public double this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    [ThreadStatic]
    private static (string? Name, string[]? Keys)[]? recentKeys;

    /// <summary>The per-network keys of a network, built once per network name (a per-thread check by reference first).</summary>
    public static string[] NetworkKeys(string network)
    {
        var recent = recentKeys ??= new (string?, string[]?)[8];
        var home = (network.Length + (network.Length > 0 ? network[0] : 0)) & (recent.Length - 1);
        ref var slot = ref recent[home];
        if (ReferenceEquals(slot.Name, network) || string.Equals(slot.Name, network, StringComparison.Ordinal))
        {
            return slot.Keys!;
        }

        var keys = KeysByNetwork.GetOrAdd(network, static n => ScoreModelV2.NetworkDriverSuffixes.Select(s => ScoreDrivers.Key(n, s)).ToArray());
        slot = (network, keys);
        return keys;
    }

    public void SetNetwork(int index, string network, in V2NetworkDrivers drivers)
    {
        keys[index] = NetworkKeys(network);
        var offset = index * V2NetworkDrivers.Count;
        for (var k = 0; k < V2NetworkDrivers.Count; k++)
        {
            Set(offset + k, drivers[k]);
        }
    }

    public void SetEngagement(in EngagementDrivers drivers, bool graphPresent)
    {
        var offset = networks * V2NetworkDrivers.Count;
        Set(offset, graphPresent ? drivers.EngagerWeight : double.NaN); // no edges: the graph is absent, not zero
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

    private void Set(int index, double value)
    {
        var known = double.IsFinite(value);
        values[index] = known ? value : double.NaN;
        Count += known ? 1 : 0;
    }

    private string KeyAt(int index)
    {
        var network = index / V2NetworkDrivers.Count;
        return network >= networks
            ? ScoreDrivers.EngagementKeys[index - (networks * V2NetworkDrivers.Count)]
            : keys[network][index % V2NetworkDrivers.Count];
    }
}
