using System.Runtime.CompilerServices;

namespace InfluenceFunctions.Scoring;

/// <summary>One network's drivers for model v2 (daily rates and levels); NaN where the network does not report it.</summary>
internal struct V2NetworkDrivers
{
    public const int Count = 10;

    public double Engagers;
    public double Reactions;
    public double Mentions;
    public double Posts;
    public double Reshares;
    public double Replies;
    public double Followers;
    public double Lists;
    public double Views;
    public double Saves;

    /// <summary>Index i is <see cref="ScoreModelV2.NetworkDriverSuffixes"/>[i].</summary>
    public double this[int index]
    {
        readonly get => index switch
        {
            0 => Engagers,
            1 => Reactions,
            2 => Mentions,
            3 => Posts,
            4 => Reshares,
            5 => Replies,
            6 => Followers,
            7 => Lists,
            8 => Views,
            9 => Saves,
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };
        set
        {
            switch (index)
            {
                case 0: Engagers = value; break;
                case 1: Reactions = value; break;
                case 2: Mentions = value; break;
                case 3: Posts = value; break;
                case 4: Reshares = value; break;
                case 5: Replies = value; break;
                case 6: Followers = value; break;
                case 7: Lists = value; break;
                case 8: Views = value; break;
                case 9: Saves = value; break;
                default: throw new ArgumentOutOfRangeException(nameof(index));
            }
        }
    }

    public static V2NetworkDrivers Absent => new()
    {
        Engagers = double.NaN,
        Reactions = double.NaN,
        Mentions = double.NaN,
        Posts = double.NaN,
        Reshares = double.NaN,
        Replies = double.NaN,
        Followers = double.NaN,
        Lists = double.NaN,
        Views = double.NaN,
        Saves = double.NaN,
    };
}

/// <summary>Model v2's result before calibration: standard scores, and the components shown (0-100, NaN when absent).</summary>
internal readonly record struct V2Components(double Reach, double Amplification, double Network, double RawIndex);

/// <summary>Up to eight networks' resolved scales, on the stack.</summary>
[InlineArray(8)]
internal struct ScaleRefs
{
    private ResolvedNetworkScale first;
}

/// <summary>
/// Model v2 as a function of its drivers and the population's scales. Per network: each signal measured against the
/// network's own population (a standard score), engagement averaged with engagement and audience with audience, the
/// audience counted in proportion (it may lead engagement by at most <see cref="ScoreModelV2.AudienceLead"/> standard
/// deviations and weighs <see cref="ScoreModelV2.AudienceShare"/>), and the result put on the network's own composite
/// scale, so that the top of every network means the same. Networks then combine as a soft maximum, which adding a
/// network can only raise. The raw index is that standard score; the calibration maps it to 1-100.
/// </summary>
internal static class V2Formula
{

    /// <summary>
    /// Measures one network's <see cref="V2Signal"/>s from its drivers (NaN: absent), and its posts per 30 days. Per post
    /// counts at least <see cref="ScoreModelV2.MinimumPostsPerMonth"/> a month, so what arrives while someone hardly
    /// posts is measured per month, a lucky single post is not a record, and a few posts more or less after none do not
    /// jump the measure.
    /// </summary>
    public static void Measure(in V2NetworkDrivers d, double inboundFactor, Span<double> x)
    {
        var posts = double.IsNaN(d.Posts) ? 0 : Math.Max(d.Posts, 0);
        var perPost = 30 / Math.Max(posts * 30, ScoreModelV2.MinimumPostsPerMonth);
        x[V2Signals.PostsIndex] = posts * 30;
        x[(int)V2Signal.EngagersPerDay] = d.Engagers * inboundFactor;
        x[(int)V2Signal.ReactionsPerPost] = d.Reactions * perPost * inboundFactor;
        x[(int)V2Signal.ResharesPerPost] = d.Reshares * perPost * inboundFactor;
        x[(int)V2Signal.RepliesPerPost] = d.Replies * perPost * inboundFactor;
        x[(int)V2Signal.MentionsPerDay] = d.Mentions * inboundFactor;
        x[(int)V2Signal.ViewsPerPost] = d.Views * perPost;
        x[(int)V2Signal.SavesPerPost] = d.Saves * perPost * inboundFactor;
        x[(int)V2Signal.Followers] = d.Followers;
        x[(int)V2Signal.ListMemberships] = d.Lists;
    }

    /// <summary>How much of inbound engagement counts after the ring and new-account discounts (0-1), as v1 with v2's ring discount.</summary>
    public static double InboundFactor(in EngagementDrivers e)
    {
        var ring = Clamp01(e.RingShare);
        var suspicious = Clamp01(e.NewOrUnscoredShare);
        var overThreshold = Clamp01((suspicious - ScoreModelV1.NewOrUnscoredThreshold) / (1 - ScoreModelV1.NewOrUnscoredThreshold));
        return (1 - (ScoreModelV2.RingDiscount * ring)) * (1 - (ScoreModelV1.NewOrUnscoredDiscount * overThreshold));
    }

    private static double Clamp01(double value) => double.IsNaN(value) ? 0 : Math.Clamp(value, 0, 1);

    /// <summary>Engager-weighted engagement per day after the discounts: the graph signal.</summary>
    public static double Graph(in EngagementDrivers e, double inboundFactor) => (double.IsNaN(e.EngagerWeight) ? 0 : e.EngagerWeight) * inboundFactor;

    /// <summary>
    /// One network's composite (before its composite scale), and its reach and amplification parts, from measured
    /// signals and the graph's standard score (NaN: no graph). Returns false when nothing is measured.
    /// </summary>
    public static bool Composite(ReadOnlySpan<double> x, double graphZ, ResolvedNetworkScale scale, out double composite, out double reach, out double amplification)
    {
        var weights = scale.Weights;
        var scales = scale.Signals;
        double engagement = 0, engagementWeight = 0, audience = 0, audienceWeight = 0;
        double reachSum = 0, reachWeight = 0, amplificationSum = 0, amplificationWeight = 0;
        for (var s = 0; s < V2Signals.Count; s++)
        {
            var w = weights[s];
            var value = x[s];
            if (w == 0 || double.IsNaN(value))
            {
                continue; // absent: not there, never a zero
            }

            var z = scales[s].Map(value);

            if (s >= (int)V2Signal.Followers)
            {
                audience += w * z;
                audienceWeight += w;
                reachSum += w * z;
                reachWeight += w;
            }
            else
            {
                engagement += w * z;
                engagementWeight += w;
                if (s is (int)V2Signal.ResharesPerPost or (int)V2Signal.RepliesPerPost or (int)V2Signal.SavesPerPost)
                {
                    amplificationSum += w * z;
                    amplificationWeight += w;
                }
                else
                {
                    reachSum += w * z;
                    reachWeight += w;
                }
            }
        }

        if (!double.IsNaN(graphZ))
        {
            engagement += ScoreModelV2.GraphWeight * graphZ;
            engagementWeight += ScoreModelV2.GraphWeight;
        }

        reach = reachWeight > 0 ? reachSum / reachWeight : double.NaN;
        amplification = amplificationWeight > 0 ? amplificationSum / amplificationWeight : double.NaN;
        if (engagementWeight > 0)
        {
            var e = engagement / engagementWeight;
            composite = audienceWeight > 0
                ? ((1 - ScoreModelV2.AudienceShare) * e) + (ScoreModelV2.AudienceShare * Math.Min(audience / audienceWeight, e + ScoreModelV2.AudienceLead))
                : e;
            return true;
        }

        composite = audienceWeight > 0 ? audience / audienceWeight : double.NaN;
        return audienceWeight > 0;
    }

    /// <summary>Adds one term to a soft maximum: T * ln(sum of exp(z / T)), kept as (max, sum of exp((z - max) / T)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SoftMaxAdd(ref double max, ref double sum, double z)
    {
        if (double.IsNaN(z))
        {
            return;
        }

        const double t = ScoreModelV2.NetworkTemperature;
        if (z > max)
        {
            sum = (sum * Math.Exp((max - z) / t)) + 1;
            max = z;
        }
        else
        {
            sum += Math.Exp((z - max) / t);
        }
    }

    public static double SoftMax(double max, double sum) =>
        sum > 0 ? max + (ScoreModelV2.NetworkTemperature * Math.Log(sum)) : double.NaN;

    /// <summary>
    /// One network's standard score within its own population (its composite on its composite scale), or NaN when
    /// nothing is measured there. <paramref name="x"/> is scratch for the measured signals and keeps them.
    /// </summary>
    public static double NetworkScore(in V2NetworkDrivers drivers, double inboundFactor, double graphZ, ResolvedNetworkScale scale, Span<double> x, out double composite, out double reach, out double amplification)
    {
        Measure(drivers, inboundFactor, x);
        if (!Composite(x, graphZ, scale, out composite, out reach, out amplification))
        {
            return double.NaN;
        }

        return scale.Composite.Map(composite);
    }

    /// <summary>The graph's standard score (NaN: no graph) under the discounts of <paramref name="engagement"/>.</summary>
    public static double GraphScore(in EngagementDrivers engagement, double inboundFactor, bool graphPresent, SignalScale graphScale) =>
        graphPresent ? graphScale.Map(Graph(engagement, inboundFactor)) : double.NaN;

    /// <summary>The raw index from the networks' standard scores (NaN ones are not there): their soft maximum.</summary>
    public static double RawIndex(ReadOnlySpan<double> networkScores)
    {
        double max = double.NegativeInfinity, sum = 0;
        foreach (var z in networkScores)
        {
            SoftMaxAdd(ref max, ref sum, z);
        }

        var raw = SoftMax(max, sum);
        return double.IsNaN(raw) ? SignalScale.FirstZ : raw;
    }

    /// <summary>
    /// The raw index and components of a user from every network's drivers. <paramref name="composites"/> receives each
    /// network's composite (before its scale) and <paramref name="measured"/> each network's measured values, when not
    /// empty, for the nightly scale sample; <paramref name="networkScores"/> each network's standard score.
    /// </summary>
    public static V2Components Evaluate(
        ReadOnlySpan<V2NetworkDrivers> networks,
        ReadOnlySpan<ResolvedNetworkScale> scales,
        in EngagementDrivers engagement,
        bool graphPresent,
        SignalScale graphScale,
        Span<double> composites,
        Span<double> measured,
        Span<double> networkScores = default)
    {
        var inbound = InboundFactor(engagement);
        var graphZ = GraphScore(engagement, inbound, graphPresent, graphScale);
        Span<double> x = stackalloc double[V2Signals.MeasuredCount];
        double rawMax = double.NegativeInfinity, rawSum = 0, reachMax = double.NegativeInfinity, reachSum = 0, ampMax = double.NegativeInfinity, ampSum = 0;
        for (var i = 0; i < networks.Length; i++)
        {
            var z = NetworkScore(networks[i], inbound, graphZ, scales[i], x, out var composite, out var reach, out var amplification);
            if (!measured.IsEmpty)
            {
                x.CopyTo(measured[(i * V2Signals.MeasuredCount)..]);
            }

            if (!composites.IsEmpty)
            {
                composites[i] = double.IsNaN(z) ? double.NaN : composite;
            }

            if (!networkScores.IsEmpty)
            {
                networkScores[i] = z;
            }

            SoftMaxAdd(ref rawMax, ref rawSum, z);
            SoftMaxAdd(ref reachMax, ref reachSum, reach);
            SoftMaxAdd(ref ampMax, ref ampSum, amplification);
        }

        var raw = SoftMax(rawMax, rawSum);
        return new V2Components(Display(SoftMax(reachMax, reachSum)), Display(SoftMax(ampMax, ampSum)), Display(graphZ), double.IsNaN(raw) ? SignalScale.FirstZ : raw);
    }

    /// <summary>
    /// A standard score shown on 0-100: 100 / (1 + 2^-z), so the median is 50, each standard deviation halves the
    /// distance to 100 (or 0), and it never reaches either end (no ceiling). NaN stays NaN (absent).
    /// </summary>
    public static double Display(double z) => double.IsNaN(z) ? double.NaN : 100 / (1 + Math.Exp(-Math.Clamp(z, -60, 60) * 0.6931471805599453)); // 2^-z
}
