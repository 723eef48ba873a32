namespace InfluenceFunctions.Scoring;

/// <summary>
/// Which of model v2's drivers moved the score since yesterday, in plain words: as v1's <see cref="MoveExplainer"/>,
/// each driver (or a network that appeared or went) is set back to yesterday's value on its own, the raw index
/// recomputed under today's scales, the difference read in points on today's calibration, and the effects scaled to
/// the actual change; what the signals do not explain is the scale itself moving ("recalibrated"). A network driver
/// changes only its own network's standard score, so only that one is recomputed; words are written only for the
/// effects that become moves.
/// </summary>
internal static class V2MoveExplainer
{
    private static readonly string[] Labels =
    [
        "engagers per day",
        "reactions received",
        "mentions received",
        "posts",
        "reshares received",
        "replies received",
        "followers",
        "list memberships",
        "views",
        "saves",
    ];

    public static IReadOnlyList<ScoreMove> Explain(
        IReadOnlyList<NetworkWindow> windows,
        ReadOnlySpan<V2NetworkDrivers> today,
        ReadOnlySpan<int> networkOf,
        ReadOnlySpan<ResolvedNetworkScale> scales,
        in EngagementDrivers todayEngagement,
        bool graphToday,
        V2Components todayComponents,
        Calibration calibration,
        int scoreChange,
        PreviousScore yesterday)
    {
        var networkScales = calibration.Scales ?? NetworkScales.Prior;
        var previous = yesterday.Drivers ?? new Dictionary<string, double>();
        var count = today.Length;
        var names = new string[count];
        var before = new V2NetworkDrivers[count];
        var hadBefore = new bool[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = windows[networkOf[i]].Network;
            (before[i], hadBefore[i]) = Read(previous, names[i]);
        }

        var gone = NetworksOnlyIn(previous, names);
        var graphBefore = previous.TryGetValue(ScoreDrivers.EngagerWeight, out var engagerWeightBefore);
        var beforeEngagement = new EngagementDrivers
        {
            EngagerWeight = graphBefore ? engagerWeightBefore : double.NaN,
            RingShare = ValueOrNaN(previous, ScoreDrivers.RingShare),
            NewOrUnscoredShare = ValueOrNaN(previous, ScoreDrivers.NewOrUnscoredShare),
        };

        // Today's standard score per network (slots count.. are for a network that is gone today).
        Span<double> x = stackalloc double[V2Signals.MeasuredCount];
        var zs = new double[count + 1];
        var inbound = V2Formula.InboundFactor(todayEngagement);
        var graphZ = V2Formula.GraphScore(todayEngagement, inbound, graphToday, networkScales.Graph);
        for (var i = 0; i < count; i++)
        {
            zs[i] = V2Formula.NetworkScore(today[i], inbound, graphZ, scales[i], x, out _, out _, out _);
        }

        // Yesterday's raw index under today's scales and calibration.
        var thenDrivers = new V2NetworkDrivers[count + gone.Count];
        var thenScales = new ResolvedNetworkScale[count + gone.Count];
        var thenCount = 0;
        for (var i = 0; i < count; i++)
        {
            if (hadBefore[i])
            {
                thenDrivers[thenCount] = before[i];
                thenScales[thenCount++] = scales[i];
            }
        }

        foreach (var (name, drivers) in gone)
        {
            thenDrivers[thenCount] = drivers;
            thenScales[thenCount++] = networkScales.For(name);
        }

        var yesterdayRaw = V2Formula.Evaluate(thenDrivers.AsSpan(0, thenCount), thenScales.AsSpan(0, thenCount), beforeEngagement, graphBefore, networkScales.Graph, [], []).RawIndex;
        var todayPosition = calibration.Position(todayComponents.RawIndex);
        var signalChange = todayPosition - calibration.Position(yesterdayRaw);
        var effects = new List<Effect>((count * V2NetworkDrivers.Count) + gone.Count + EngagementDrivers.Count);
        var all = zs.AsSpan(0, count);

        for (var i = 0; i < count; i++)
        {
            var kept = zs[i];
            if (!hadBefore[i])
            {
                zs[i] = double.NaN;
                effects.Add(new Effect(EffectKind.Connected, names[i], -1, double.NaN, double.NaN, todayPosition - calibration.Position(V2Formula.RawIndex(all))));
                zs[i] = kept;
                continue;
            }

            for (var k = 0; k < V2NetworkDrivers.Count; k++)
            {
                var now = today[i][k];
                var then = before[i][k];
                if (now.Equals(then))
                {
                    continue;
                }

                var swapped = today[i];
                swapped[k] = then;
                zs[i] = V2Formula.NetworkScore(swapped, inbound, graphZ, scales[i], x, out _, out _, out _);
                effects.Add(new Effect(EffectKind.NetworkDriver, names[i], k, then, now, todayPosition - calibration.Position(V2Formula.RawIndex(all))));
            }

            zs[i] = kept;
        }

        foreach (var (name, drivers) in gone)
        {
            zs[count] = V2Formula.NetworkScore(drivers, inbound, graphZ, networkScales.For(name), x, out _, out _, out _);
            effects.Add(new Effect(EffectKind.Disconnected, name, -1, double.NaN, double.NaN, todayPosition - calibration.Position(V2Formula.RawIndex(zs))));
        }

        // The engagement drivers change the discounts and the graph, so every network is recomputed.
        for (var k = 0; k < EngagementDrivers.Count; k++)
        {
            var now = todayEngagement[k];
            var then = beforeEngagement[k];
            var graphChanged = k == 0 && graphToday != graphBefore;
            if (!graphChanged && (now.Equals(then) || (double.IsNaN(then) && now == 0)))
            {
                continue;
            }

            var swapped = todayEngagement;
            swapped[k] = then;
            var raw = V2Formula.Evaluate(today, scales, swapped, k == 0 ? graphBefore : graphToday, networkScales.Graph, [], []).RawIndex;
            effects.Add(new Effect(k == 0 && !graphBefore ? EffectKind.GraphAppeared : EffectKind.EngagementDriver, string.Empty, k, then, now, todayPosition - calibration.Position(raw)));
        }

        return Scale(effects, signalChange, scoreChange);
    }

    private static ScoreMove[] Scale(List<Effect> effects, double signalChange, int scoreChange)
    {
        // As in v1: rounding and the hold band explain up to about a point and a half; beyond that the scale moved.
        var signalTarget = Math.Abs(scoreChange - signalChange) < 1 + ScoreModelV2.HoldBand ? scoreChange : signalChange;
        var moves = new List<ScoreMove>();
        var calibrationPart = scoreChange - signalTarget;
        if (Math.Abs(calibrationPart) >= MoveExplainer.MinimumPoints)
        {
            moves.Add(new ScoreMove("model.calibration", "the population scale was recalibrated", calibrationPart));
        }

        double sum = 0;
        foreach (var effect in effects)
        {
            sum += effect.Points;
        }

        if (sum * signalTarget > 0)
        {
            // Effects too small to name are gathered into one move, so the moves always add up to the change.
            var factor = signalTarget / sum;
            double small = 0;
            foreach (var effect in effects)
            {
                var points = effect.Points * factor;
                if (Math.Abs(points) >= MoveExplainer.MinimumPoints)
                {
                    moves.Add(effect.ToMove(points));
                }
                else
                {
                    small += points;
                }
            }

            if (Math.Abs(small) >= MoveExplainer.MinimumPoints)
            {
                moves.Add(new ScoreMove("signals.small", "smaller changes in several signals", small));
            }
        }
        else if (Math.Abs(signalTarget) >= MoveExplainer.MinimumPoints)
        {
            moves.Add(new ScoreMove("signals", "several signals moved in opposite directions", signalTarget));
        }

        moves.Sort(static (a, b) => Math.Abs(b.Points).CompareTo(Math.Abs(a.Points)));
        return [.. moves];
    }

    private static (V2NetworkDrivers Drivers, bool Present) Read(IReadOnlyDictionary<string, double> previous, string network)
    {
        var drivers = V2NetworkDrivers.Absent;
        var present = false;
        var keys = V2DriverSet.NetworkKeys(network);
        for (var k = 0; k < V2NetworkDrivers.Count; k++)
        {
            if (previous.TryGetValue(keys[k], out var value))
            {
                drivers[k] = value;
                present = true;
            }
        }

        return (drivers, present);
    }

    private static List<(string Name, V2NetworkDrivers Drivers)> NetworksOnlyIn(IReadOnlyDictionary<string, double> previous, string[] todayNames)
    {
        var gone = new List<(string Name, V2NetworkDrivers Drivers)>();
        foreach (var key in previous.Keys)
        {
            var dot = key.LastIndexOf('.');
            if (dot <= 0 || !IsNetworkSuffix(key.AsSpan(dot + 1)) || Contains(todayNames, key.AsSpan(0, dot)))
            {
                continue;
            }

            var name = key[..dot];
            if (!gone.Exists(g => g.Name == name))
            {
                gone.Add((name, Read(previous, name).Drivers));
            }
        }

        return gone;
    }

    private static bool IsNetworkSuffix(ReadOnlySpan<char> suffix)
    {
        foreach (var known in ScoreModelV2.NetworkDriverSuffixes)
        {
            if (suffix.SequenceEqual(known))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(string[] names, ReadOnlySpan<char> name)
    {
        foreach (var candidate in names)
        {
            if (name.SequenceEqual(candidate))
            {
                return true;
            }
        }

        return false;
    }

    private static double ValueOrNaN(IReadOnlyDictionary<string, double> previous, string key) =>
        previous.TryGetValue(key, out var value) ? value : double.NaN;

    private enum EffectKind
    {
        Connected,
        Disconnected,
        NetworkDriver,
        EngagementDriver,
        GraphAppeared,
    }

    /// <summary>One driver's effect in points; its key and words are made only when it becomes a move.</summary>
    private readonly record struct Effect(EffectKind Kind, string Network, int Index, double Then, double Now, double Points)
    {
        public ScoreMove ToMove(double points) => Kind switch
        {
            EffectKind.Connected => new ScoreMove($"{Network}.connected", $"{Network} has data now", points),
            EffectKind.Disconnected => new ScoreMove($"{Network}.connected", $"{Network} has no data in the window any more", points),
            EffectKind.NetworkDriver => new ScoreMove(
                V2DriverSet.NetworkKeys(Network)[Index], MoveExplainer.Describe(Labels[Index] + " on " + Network, Then, Now), points),
            EffectKind.GraphAppeared => new ScoreMove(ScoreDrivers.EngagerWeight, "engagement from named accounts, weighted by their own scores, is known now", points),
            _ => new ScoreMove(ScoreDrivers.EngagementKeys[Index], MoveExplainer.DescribeEngagement(Index, Then, Now), points),
        };
    }
}
