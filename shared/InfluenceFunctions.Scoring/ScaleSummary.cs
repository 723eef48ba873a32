using System.Runtime.InteropServices;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// What one night of model v2 saw, bounded whatever the population's size, from which <see cref="ScaleFit"/> refits
/// the network scales and the calibration: a uniform sample of users (the ones whose key hashes lowest, so a re-run
/// samples the same people and two shards' samples merge into the sample of both), the users with the highest raw
/// index and each network's users with the highest composite (the top the uniform sample is too small to see),
/// each signal's largest values, and counts. Every user in it is kept as the signals v2 measured (scale-independent),
/// so the fit can recompute composites and raw indexes under the new scales. Merging is order-independent.
/// Not thread-safe: one per shard (or per thread), merged afterwards.
/// </summary>
public sealed class ScaleSummary
{
    /// <summary>Users in the uniform sample.</summary>
    public const int DefaultUniformUsers = 4096;

    /// <summary>Largest values (and top users) kept per quantity.</summary>
    public const int DefaultTopUsers = 256;

    private readonly int uniformCapacity;
    private readonly int topCapacity;
    private readonly PriorityQueue<UserObservation, (ulong Hash, ulong Key)> uniform;
    private readonly PriorityQueue<UserObservation, (double Raw, ulong Key)> topRaw;
    private readonly Dictionary<string, NetworkTally> networks = new(StringComparer.Ordinal);
    private readonly TopValues graphTop;

    public ScaleSummary(int uniformUsers = DefaultUniformUsers, int topUsers = DefaultTopUsers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(uniformUsers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(topUsers, 2);
        uniformCapacity = uniformUsers;
        topCapacity = topUsers;
        uniform = new PriorityQueue<UserObservation, (ulong, ulong)>(Comparer<(ulong, ulong)>.Create(static (a, b) => b.CompareTo(a)));
        topRaw = new PriorityQueue<UserObservation, (double, ulong)>();
        graphTop = new TopValues(topUsers);
    }

    /// <summary>Scored users observed.</summary>
    public long Users { get; private set; }

    /// <summary>Users with a graph signal (any named engagement edge).</summary>
    public long GraphUsers { get; private set; }

    public int UniformCapacity => uniformCapacity;

    /// <summary>Users held in the uniform sample (at most <see cref="UniformCapacity"/>).</summary>
    public int SampledUsers => uniform.Count;

    /// <summary>Users held as the top by raw index (at most <see cref="TopCapacity"/>).</summary>
    public int TopUsers => topRaw.Count;

    public int TopCapacity => topCapacity;

    internal IEnumerable<UserObservation> Uniform => uniform.UnorderedItems.Select(i => i.Element);

    internal IEnumerable<UserObservation> TopByRaw => topRaw.UnorderedItems.Select(i => i.Element);

    internal IReadOnlyDictionary<string, NetworkTally> Networks => networks;

    internal ReadOnlySpan<double> GraphTopDescending => graphTop.Descending();

    /// <summary>
    /// The summary as plain records (JSON-friendly) for handing from a shard to the nightly run. Its size depends on the
    /// capacities and the networks only: at most <see cref="UniformCapacity"/> + <see cref="TopCapacity"/> users, plus per
    /// network <see cref="TopCapacity"/> users and <see cref="TopCapacity"/> values per signal.
    /// </summary>
    public ScaleSummaryData ToData()
    {
        static UserObservationData Of(UserObservation u) => new(
            u.Key, u.Networks, MemoryMarshal.AsBytes(u.Signals.AsSpan()).ToArray(), float.IsNaN(u.Graph) ? null : u.Graph, MemoryMarshal.AsBytes(u.Composites.AsSpan()).ToArray(), u.Raw);
        return new ScaleSummaryData(
            uniformCapacity,
            topCapacity,
            Users,
            GraphUsers,
            graphTop.Descending(),
            [.. Uniform.OrderBy(u => u.Key).Select(Of)],
            [.. TopByRaw.OrderBy(u => u.Key).Select(Of)],
            [.. networks.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => new NetworkTallyData(
                n.Key,
                n.Value.Users,
                n.Value.Present,
                [.. n.Value.Top.Select(t => t.Descending())],
                [.. n.Value.TopByComposite.OrderBy(t => t.User.Key).Select(t => new CompositeEntryData(Of(t.User), t.Index))]))]);
    }

    /// <summary>A summary from <see cref="ToData"/> (another shard's), ready to <see cref="Merge"/>.</summary>
    public static ScaleSummary FromData(ScaleSummaryData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        static UserObservation Of(UserObservationData u) => new(
            u.Key, u.Networks, MemoryMarshal.Cast<byte, float>(u.Signals).ToArray(), u.Graph ?? float.NaN, MemoryMarshal.Cast<byte, double>(u.Composites).ToArray(), u.Raw);
        var summary = new ScaleSummary(data.UniformCapacity, data.TopCapacity) { Users = data.Users, GraphUsers = data.GraphUsers };
        foreach (var value in data.GraphTop)
        {
            summary.graphTop.Add(value);
        }

        foreach (var user in data.Uniform.Concat(data.TopByRaw).DistinctBy(u => u.Key).Select(Of))
        {
            summary.Offer(user); // a user in both lists is one user
        }

        foreach (var network in data.Networks)
        {
            var tally = summary.networks[network.Network] = new NetworkTally(data.TopCapacity);
            tally.Restore(network.Users, network.Present, network.Top);
            foreach (var entry in network.TopByComposite)
            {
                tally.OfferComposite(Of(entry.User), entry.Index);
            }
        }

        return summary;
    }

    /// <summary>Adds one scored user (from <see cref="ScoreModelV2"/>).</summary>
    internal void Add(UserObservation user)
    {
        Users++;
        if (!float.IsNaN(user.Graph))
        {
            GraphUsers++;
            graphTop.Add(user.Graph);
        }

        for (var i = 0; i < user.Networks.Length; i++)
        {
            if (!networks.TryGetValue(user.Networks[i], out var tally))
            {
                networks[user.Networks[i]] = tally = new NetworkTally(topCapacity);
            }

            tally.Add(user, i);
        }

        Offer(user);
    }

    /// <summary>Adds everything another summary saw (another shard's, the same night, under the same scales).</summary>
    public void Merge(ScaleSummary other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Users += other.Users;
        GraphUsers += other.GraphUsers;
        graphTop.Merge(other.graphTop);
        foreach (var (name, theirs) in other.networks)
        {
            if (!networks.TryGetValue(name, out var tally))
            {
                networks[name] = tally = new NetworkTally(topCapacity);
            }

            tally.Merge(theirs);
        }

        // The uniform sample and the top users are re-offered: the lowest hashes and the highest raw indexes of both.
        foreach (var user in other.uniform.UnorderedItems.Select(i => i.Element).Concat(other.topRaw.UnorderedItems.Select(i => i.Element)).DistinctBy(u => u.Key))
        {
            Offer(user);
        }
    }

    private void Offer(UserObservation user)
    {
        OfferUniform(user, SampleHash(user.Key));
        OfferTopRaw(user);
    }

    private void OfferUniform(UserObservation user, ulong hash)
    {
        var priority = (hash, user.Key);
        if (uniform.Count < uniformCapacity)
        {
            uniform.Enqueue(user, priority);
        }
        else if (uniform.TryPeek(out _, out var largestPriority) && priority.CompareTo(largestPriority) < 0)
        {
            uniform.EnqueueDequeue(user, priority);
        }
    }

    private void OfferTopRaw(UserObservation user)
    {
        var priority = (user.Raw, user.Key);
        if (topRaw.Count < topCapacity)
        {
            topRaw.Enqueue(user, priority);
        }
        else if (topRaw.TryPeek(out _, out var smallestPriority) && priority.CompareTo(smallestPriority) > 0)
        {
            topRaw.EnqueueDequeue(user, priority);
        }
    }

    /// <summary>A user's place in the uniform sample: a mix of the key, so any key range is sampled evenly.</summary>
    internal static ulong SampleHash(ulong key)
    {
        var x = key ^ 0x5CA1E5A3B1E5EEDUL;
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>One network's counts, largest values per signal, and top users by composite.</summary>
    internal sealed class NetworkTally
    {
        private readonly int capacity;
        private readonly PriorityQueue<(UserObservation User, int Index), (double Composite, ulong Key)> topComposite = new();

        public NetworkTally(int capacity)
        {
            this.capacity = capacity;
            Top = Enumerable.Range(0, V2Signals.Count).Select(_ => new TopValues(capacity)).ToArray();
        }

        public long Users { get; private set; }

        /// <summary>Users with each signal present.</summary>
        public long[] Present { get; } = new long[V2Signals.Count];

        public TopValues[] Top { get; }

        public IEnumerable<(UserObservation User, int Index)> TopByComposite => topComposite.UnorderedItems.Select(i => i.Element);

        public void Add(UserObservation user, int index)
        {
            Users++;
            var signals = user.SignalsOf(index);
            for (var s = 0; s < V2Signals.Count; s++)
            {
                if (!float.IsNaN(signals[s]))
                {
                    Present[s]++;
                    Top[s].Add(signals[s]);
                }
            }

            OfferComposite(user, index);
        }

        public void Merge(NetworkTally other)
        {
            Users += other.Users;
            for (var s = 0; s < V2Signals.Count; s++)
            {
                Present[s] += other.Present[s];
                Top[s].Merge(other.Top[s]);
            }

            foreach (var (user, index) in other.TopByComposite)
            {
                OfferComposite(user, index);
            }
        }

        public void Restore(long users, long[] present, double[][] top)
        {
            Users = users;
            Array.Copy(present, Present, Math.Min(present.Length, Present.Length));
            for (var s = 0; s < Math.Min(top.Length, Top.Length); s++)
            {
                foreach (var value in top[s])
                {
                    Top[s].Add(value);
                }
            }
        }

        public void OfferComposite(UserObservation user, int index)
        {
            var composite = user.Composites[index];
            if (double.IsNaN(composite))
            {
                return;
            }

            var priority = (composite, user.Key);
            if (topComposite.Count < capacity)
            {
                topComposite.Enqueue((user, index), priority);
            }
            else if (topComposite.TryPeek(out _, out var smallest) && priority.CompareTo(smallest) > 0)
            {
                topComposite.EnqueueDequeue((user, index), priority);
            }
        }
    }

    /// <summary>The largest values of a quantity (a min-heap of bounded size).</summary>
    internal sealed class TopValues(int capacity)
    {
        private readonly PriorityQueue<double, double> heap = new();

        public void Add(double value)
        {
            if (heap.Count < capacity)
            {
                heap.Enqueue(value, value);
            }
            else if (heap.TryPeek(out var smallest, out _) && value > smallest)
            {
                heap.EnqueueDequeue(value, value);
            }
        }

        public void Merge(TopValues other)
        {
            foreach (var (value, _) in other.heap.UnorderedItems)
            {
                Add(value);
            }
        }

        public double[] Descending()
        {
            var values = heap.UnorderedItems.Select(i => i.Element).ToArray();
            Array.Sort(values);
            Array.Reverse(values);
            return values;
        }
    }
}

/// <summary>
/// One scored user as model v2 measured them: per network the <see cref="V2Signal"/>s (NaN: absent), the graph
/// signal (NaN: no edges), and, under the scales of the night, each network's composite and the raw index.
/// </summary>
internal sealed record UserObservation(ulong Key, string[] Networks, float[] Signals, float Graph, double[] Composites, double Raw)
{
    public ReadOnlySpan<float> SignalsOf(int network) => Signals.AsSpan(network * V2Signals.MeasuredCount, V2Signals.MeasuredCount);
}

/// <summary>A <see cref="ScaleSummary"/> as plain data (see <see cref="ScaleSummary.ToData"/>).</summary>
public sealed record ScaleSummaryData(
    int UniformCapacity,
    int TopCapacity,
    long Users,
    long GraphUsers,
    double[] GraphTop,
    UserObservationData[] Uniform,
    UserObservationData[] TopByRaw,
    NetworkTallyData[] Networks);

/// <summary>
/// One sampled user: per network the measured values (<see cref="V2Signals.MeasuredCount"/> floats each, NaN where absent,
/// as little-endian bytes so that JSON carries them), the graph (null: none), per network the composite (doubles, as
/// bytes) and the raw index.
/// </summary>
public sealed record UserObservationData(ulong Key, string[] Networks, byte[] Signals, float? Graph, byte[] Composites, double Raw);

/// <summary>One network's counts, per-signal largest values and top users by composite.</summary>
public sealed record NetworkTallyData(string Network, long Users, long[] Present, double[][] Top, CompositeEntryData[] TopByComposite);

/// <summary>A top user by composite: the user and which of their networks.</summary>
public sealed record CompositeEntryData(UserObservationData User, int Index);
