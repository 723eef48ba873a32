using System.Globalization;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// Which of model v2's drivers moved the score since yesterday, in plain words: as v1's <see cref="MoveExplainer"/>,
/// each driver (or a network that appeared or went) is set back to yesterday's value on its own, the raw index
/// recomputed under today's scales, the difference read in points on today's calibration, and the effects scaled to
/// the actual change; what the signals do not explain is the scale itself moving ("recalibrated").
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
        var names = new string[today.Length];
        var before = new V2NetworkDrivers[today.Length];
        var hadBefore = new bool[today.Length];
        for (var i = 0; i < today.Length; i++)
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

        // Yesterday's raw index under today's scales and calibration.
        var then = new List<(V2NetworkDrivers Drivers, ResolvedNetworkScale Scale)>();
        for (var i = 0; i < today.Length; i++)
        {
            if (hadBefore[i])
            {
                then.Add((before[i], scales[i]));
            }
        }

        foreach (var (name, drivers) in gone)
        {
            then.Add((drivers, networkScales.For(name)));
        }

        var yesterdayRaw = Raw([.. then.Select(t => t.Drivers)], [.. then.Select(t => t.Scale)], beforeEngagement, graphBefore, networkScales);
        var todayPosition = calibration.Position(todayComponents.RawIndex);
        var signalChange = todayPosition - calibration.Position(yesterdayRaw);

        var effects = new List<(string Driver, Func<string> Words, double Points)>();
        var todayDrivers = today.ToArray();
        var todayScales = scales.ToArray();

        for (var i = 0; i < todayDrivers.Length; i++)
        {
            var name = names[i];
            if (!hadBefore[i])
            {
                var raw = Raw(Without(todayDrivers, i), Without(todayScales, i), todayEngagement, graphToday, networkScales);
                effects.Add(($"{name}.connected", () => $"{name} has data now", todayPosition - calibration.Position(raw)));
                continue;
            }

            var keys = V2DriverSet.NetworkKeys(name);
            for (var k = 0; k < V2NetworkDrivers.Count; k++)
            {
                var now = todayDrivers[i][k];
                var was = before[i][k];
                if (now.Equals(was))
                {
                    continue;
                }

                var swapped = (V2NetworkDrivers[])todayDrivers.Clone();
                swapped[i][k] = was;
                var raw = Raw(swapped, todayScales, todayEngagement, graphToday, networkScales);
                var label = Labels[k] + " on " + name;
                effects.Add((keys[k], () => MoveExplainer.Describe(label, was, now), todayPosition - calibration.Position(raw)));
            }
        }

        foreach (var (name, drivers) in gone)
        {
            var raw = Raw([.. todayDrivers, drivers], [.. todayScales, networkScales.For(name)], todayEngagement, graphToday, networkScales);
            effects.Add(($"{name}.connected", () => $"{name} has no data in the window any more", todayPosition - calibration.Position(raw)));
        }

        for (var k = 0; k < EngagementDrivers.Count; k++)
        {
            var now = todayEngagement[k];
            var was = beforeEngagement[k];
            var graphChanged = k == 0 && graphToday != graphBefore;
            if (!graphChanged && (now.Equals(was) || (double.IsNaN(was) && now == 0)))
            {
                continue;
            }

            var swapped = todayEngagement;
            swapped[k] = was;
            var raw = Raw(todayDrivers, todayScales, swapped, k == 0 ? graphBefore : graphToday, networkScales);
            var index = k;
            effects.Add((ScoreDrivers.EngagementKeys[k], () => index == 0 && !graphBefore
                ? "engagement from named accounts, weighted by their own scores, is known now"
                : MoveExplainer.DescribeEngagement(index, was, now), todayPosition - calibration.Position(raw)));
        }

        return Scale(effects, signalChange, scoreChange);
    }

    private static double Raw(V2NetworkDrivers[] networks, ResolvedNetworkScale[] scales, in EngagementDrivers engagement, bool graph, NetworkScales networkScales) =>
        V2Formula.Evaluate(networks, scales, engagement, graph, networkScales.Graph, [], []).RawIndex;

    private static ScoreMove[] Scale(List<(string Driver, Func<string> Words, double Points)> effects, double signalChange, int scoreChange)
    {
        // As in v1: rounding and the hold band explain up to about a point and a half; beyond that the scale moved.
        var signalTarget = Math.Abs(scoreChange - signalChange) < 1 + ScoreModelV2.HoldBand ? scoreChange : signalChange;
        var moves = new List<ScoreMove>();
        var calibrationPart = scoreChange - signalTarget;
        if (Math.Abs(calibrationPart) >= MoveExplainer.MinimumPoints)
        {
            moves.Add(new ScoreMove("model.calibration", "the population scale was recalibrated", calibrationPart));
        }

        var sum = effects.Sum(e => e.Points);
        if (sum * signalTarget > 0)
        {
            // Effects too small to name are gathered into one move, so the moves always add up to the change.
            var factor = signalTarget / sum;
            double small = 0;
            foreach (var (driver, words, points) in effects)
            {
                var scaled = points * factor;
                if (Math.Abs(scaled) >= MoveExplainer.MinimumPoints)
                {
                    moves.Add(new ScoreMove(driver, words(), scaled));
                }
                else
                {
                    small += scaled;
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
            if (dot <= 0 || !ScoreModelV2.NetworkDriverSuffixes.Contains(key[(dot + 1)..]))
            {
                continue;
            }

            var name = key[..dot];
            if (Array.IndexOf(todayNames, name) < 0 && !gone.Exists(g => g.Name == name))
            {
                gone.Add((name, Read(previous, name).Drivers));
            }
        }

        return gone;
    }

    private static double ValueOrNaN(IReadOnlyDictionary<string, double> previous, string key) =>
        previous.TryGetValue(key, out var value) ? value : double.NaN;

    private static T[] Without<T>(T[] items, int index) => [.. items[..index], .. items[(index + 1)..]];

    internal static string Percent(double value) => value.ToString("0", CultureInfo.InvariantCulture);
}
