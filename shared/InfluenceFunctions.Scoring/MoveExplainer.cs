using System.Globalization;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// Says which drivers moved the score since yesterday. Each driver (or a network that appeared or
/// disappeared) is set back to yesterday's value on its own, the raw index recomputed, and the difference
/// expressed in score points on today's scale. Interactions make these effects not add up exactly, so they are
/// scaled to the actual change; a change of the scale itself (recalibration) is reported as its own move.
/// </summary>
internal static class MoveExplainer
{
    /// <summary>Moves smaller than this (in points) are left out.</summary>
    public const double MinimumPoints = 0.05;

    private static readonly string[] Labels =
    [
        "engagers per day",
        "reactions received",
        "mentions received",
        "posts",
        "reshares received",
        "replies received",
        "audience",
    ];

    public static IReadOnlyList<ScoreMove> Explain(
        IReadOnlyList<NetworkWindow> windows,
        ReadOnlySpan<NetworkDrivers> today,
        ReadOnlySpan<int> networkOf,
        ReadOnlySpan<NetworkPart> todayParts,
        in EngagementDrivers todayEngagement,
        Components todayComponents,
        Calibration calibration,
        int scoreChange,
        PreviousScore yesterday)
    {
        var previous = yesterday.Drivers ?? new Dictionary<string, double>();
        var names = new string[today.Length];
        var before = new NetworkDrivers[today.Length];
        var hadBefore = new bool[today.Length];
        for (var i = 0; i < today.Length; i++)
        {
            names[i] = windows[networkOf[i]].Network;
            (before[i], hadBefore[i]) = Read(previous, names[i]);
        }

        var gone = NetworksOnlyIn(previous, names);
        var beforeEngagement = new EngagementDrivers
        {
            EngagerWeight = ValueOrNaN(previous, ScoreDrivers.EngagerWeight),
            RingShare = ValueOrNaN(previous, ScoreDrivers.RingShare),
            NewOrUnscoredShare = ValueOrNaN(previous, ScoreDrivers.NewOrUnscoredShare),
        };

        // Yesterday's raw index under today's model and scale.
        var all = new NetworkDrivers[today.Length + gone.Count];
        var count = 0;
        for (var i = 0; i < today.Length; i++)
        {
            if (hadBefore[i])
            {
                all[count++] = before[i];
            }
        }

        foreach (var (_, drivers) in gone)
        {
            all[count++] = drivers;
        }

        var scratch = new NetworkPart[all.Length + 1];
        var yesterdayRaw = V1Formula.Evaluate(all.AsSpan(0, count), beforeEngagement, scratch).RawIndex;
        var todayPosition = calibration.Position(todayComponents.RawIndex);
        var signalChange = todayPosition - calibration.Position(yesterdayRaw);

        // Descriptions are written only for the effects that become moves (most are too small): formatting them all
        // cost more than the rest of the explanation.
        var effects = new List<Effect>((today.Length * NetworkDrivers.Count) + gone.Count + EngagementDrivers.Count);
        var inbound = V1Formula.InboundFactor(todayEngagement);
        var parts = new NetworkPart[today.Length + 1];

        // One network driver at a time.
        for (var i = 0; i < today.Length; i++)
        {
            if (!hadBefore[i])
            {
                todayParts.CopyTo(parts);
                var withoutIt = RemoveAt(parts.AsSpan(0, today.Length), i);
                var raw = V1Formula.Combine(withoutIt, todayComponents.Network).RawIndex;
                effects.Add(new Effect(EffectKind.Connected, names[i], -1, double.NaN, double.NaN, todayPosition - calibration.Position(raw)));
                continue;
            }

            for (var k = 0; k < NetworkDrivers.Count; k++)
            {
                var now = today[i][k];
                var then = before[i][k];
                if (now.Equals(then))
                {
                    continue;
                }

                var swapped = today[i];
                swapped[k] = then;
                todayParts.CopyTo(parts);
                parts[i] = V1Formula.Part(swapped, inbound);
                var raw = V1Formula.Combine(parts.AsSpan(0, today.Length), todayComponents.Network).RawIndex;
                effects.Add(new Effect(EffectKind.NetworkDriver, names[i], k, then, now, todayPosition - calibration.Position(raw)));
            }
        }

        // Networks that had data yesterday and have none today.
        foreach (var (name, drivers) in gone)
        {
            todayParts.CopyTo(parts);
            parts[today.Length] = V1Formula.Part(drivers, inbound);
            var raw = V1Formula.Combine(parts, todayComponents.Network).RawIndex;
            effects.Add(new Effect(EffectKind.Disconnected, name, -1, double.NaN, double.NaN, todayPosition - calibration.Position(raw)));
        }

        // The engagement drivers change the inbound discount, so every network is recomputed.
        for (var k = 0; k < EngagementDrivers.Count; k++)
        {
            var now = todayEngagement[k];
            var then = beforeEngagement[k];
            if (now.Equals(then) || (double.IsNaN(then) && now == 0))
            {
                continue;
            }

            var swapped = todayEngagement;
            swapped[k] = then;
            var raw = V1Formula.Evaluate(today, swapped, parts).RawIndex;
            effects.Add(new Effect(EffectKind.EngagementDriver, string.Empty, k, then, now, todayPosition - calibration.Position(raw)));
        }

        return Scale(effects, signalChange, scoreChange);
    }

    private static ScoreMove[] Scale(List<Effect> effects, double signalChange, int scoreChange)
    {
        // Rounding to whole points and the hold band explain up to about one point and a half between the
        // signals' change and the score's; anything beyond that is the scale itself moving.
        var signalTarget = Math.Abs(scoreChange - signalChange) < 1 + ScoreModelV1.HoldBand ? scoreChange : signalChange;
        var moves = new List<ScoreMove>();
        var calibrationPart = scoreChange - signalTarget;
        if (Math.Abs(calibrationPart) >= MinimumPoints)
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
            var factor = signalTarget / sum;
            foreach (var effect in effects)
            {
                var points = effect.Points * factor;
                if (Math.Abs(points) >= MinimumPoints)
                {
                    moves.Add(effect.ToMove(points));
                }
            }
        }
        else if (Math.Abs(signalTarget) >= MinimumPoints)
        {
            moves.Add(new ScoreMove("signals", "several signals moved in opposite directions", signalTarget));
        }

        moves.Sort(static (a, b) => Math.Abs(b.Points).CompareTo(Math.Abs(a.Points)));
        return [.. moves];
    }

    private static (NetworkDrivers Drivers, bool Present) Read(IReadOnlyDictionary<string, double> previous, string network)
    {
        var drivers = NetworkDrivers.Absent;
        var present = false;
        var keys = DriverSet.NetworkKeys(network);
        for (var k = 0; k < NetworkDrivers.Count; k++)
        {
            if (previous.TryGetValue(keys[k], out var value))
            {
                drivers[k] = value;
                present = true;
            }
        }

        return (drivers, present);
    }

    private static List<(string Name, NetworkDrivers Drivers)> NetworksOnlyIn(IReadOnlyDictionary<string, double> previous, string[] todayNames)
    {
        var gone = new List<(string Name, NetworkDrivers Drivers)>();
        foreach (var key in previous.Keys)
        {
            // Spans until a network really is gone: yesterday's keys are mostly today's networks.
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
        foreach (var known in ScoreDrivers.NetworkSuffixes)
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

    private static NetworkPart[] RemoveAt(ReadOnlySpan<NetworkPart> parts, int index)
    {
        var result = new NetworkPart[parts.Length - 1];
        parts[..index].CopyTo(result);
        parts[(index + 1)..].CopyTo(result.AsSpan(index));
        return result;
    }

    internal static string Describe(string what, double then, double now)
    {
        if (double.IsNaN(now))
        {
            return what + " is no longer reported";
        }

        if (double.IsNaN(then) || then == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{what} went from none to {now:0.##}");
        }

        var percent = (now - then) / Math.Abs(then) * 100;
        var direction = percent >= 0 ? "rose" : "fell";
        var size = Math.Abs(percent);
        return size < 1
            ? string.Create(CultureInfo.InvariantCulture, $"{what} {direction} {size:0.0}%")
            : string.Create(CultureInfo.InvariantCulture, $"{what} {direction} {size:0}%");
    }

    internal static string DescribeEngagement(int index, double then, double now) => index switch
    {
        0 => Describe("engagement weighted by the engagers' own scores", then, now),
        1 => DescribeShare("share of engagement from a closed circle of accounts engaging each other", then, now),
        _ => DescribeShare("share of engagement from new or unscored accounts", then, now),
    };

    internal static string DescribeShare(string what, double then, double now)
    {
        var direction = now >= (double.IsNaN(then) ? 0 : then) ? "rose" : "fell";
        return string.Create(CultureInfo.InvariantCulture, $"{what} {direction} from {(double.IsNaN(then) ? 0 : then) * 100:0}% to {now * 100:0}%");
    }

    private enum EffectKind
    {
        Connected,
        Disconnected,
        NetworkDriver,
        EngagementDriver,
    }

    /// <summary>One driver's effect in points; its key and words are made only when it becomes a move.</summary>
    private readonly record struct Effect(EffectKind Kind, string Network, int Index, double Then, double Now, double Points)
    {
        public ScoreMove ToMove(double points) => Kind switch
        {
            EffectKind.Connected => new ScoreMove($"{Network}.connected", $"{Network} has data now", points),
            EffectKind.Disconnected => new ScoreMove($"{Network}.connected", $"{Network} has no data in the window any more", points),
            EffectKind.NetworkDriver => new ScoreMove(
                DriverSet.NetworkKeys(Network)[Index], Describe(Labels[Index] + " on " + Network, Then, Now), points),
            _ => new ScoreMove(ScoreDrivers.EngagementKeys[Index], DescribeEngagement(Index, Then, Now), points),
        };
    }
}
