namespace InfluenceFunctions.Scoring;

/// <summary>One network's drivers (see <see cref="ScoreDrivers"/>); NaN means the network does not report it.</summary>
internal struct NetworkDrivers
{
    public const int Count = 7;

    public double Engagers;
    public double Reactions;
    public double Mentions;
    public double Posts;
    public double Reshares;
    public double Replies;
    public double Audience;

    /// <summary>Index i is <see cref="ScoreDrivers.NetworkSuffixes"/>[i].</summary>
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
            6 => Audience,
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
                case 6: Audience = value; break;
                default: throw new ArgumentOutOfRangeException(nameof(index));
            }
        }
    }

    public static NetworkDrivers Absent => new()
    {
        Engagers = double.NaN,
        Reactions = double.NaN,
        Mentions = double.NaN,
        Posts = double.NaN,
        Reshares = double.NaN,
        Replies = double.NaN,
        Audience = double.NaN,
    };
}

/// <summary>The engagement drivers shared by all networks (see <see cref="ScoreDrivers.EngagementKeys"/>).</summary>
internal struct EngagementDrivers
{
    public const int Count = 3;

    public double EngagerWeight;
    public double RingShare;
    public double NewOrUnscoredShare;

    public double this[int index]
    {
        readonly get => index switch
        {
            0 => EngagerWeight,
            1 => RingShare,
            2 => NewOrUnscoredShare,
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };
        set
        {
            switch (index)
            {
                case 0: EngagerWeight = value; break;
                case 1: RingShare = value; break;
                case 2: NewOrUnscoredShare = value; break;
                default: throw new ArgumentOutOfRangeException(nameof(index));
            }
        }
    }
}

/// <summary>A network's contribution before networks are combined.</summary>
internal readonly record struct NetworkPart(double Reach, double Amplification, double AmplificationConfidence);

internal readonly record struct Components(double Reach, double Amplification, double Network, double RawIndex);

/// <summary>
/// Model v1 as a function of its drivers only. The raw index of a night is <see cref="Evaluate"/> of that
/// night's drivers, so yesterday's stored drivers reproduce yesterday's raw index and the explanation can swap
/// single drivers back to yesterday's value to see what each one did.
/// </summary>
internal static class V1Formula
{
    private static readonly double ReachEngagedScale = Math.Log(1 + (ScoreModelV1.ReachEngagedTop / ScoreModelV1.ReachEngagedKnee));
    private static readonly double ReachAudienceScale = Math.Log(1 + (ScoreModelV1.ReachAudienceTop / ScoreModelV1.ReachAudienceKnee));
    private static readonly double AmplificationScale = Math.Log(1 + (ScoreModelV1.AmplificationTop / ScoreModelV1.AmplificationKnee));
    private static readonly double NetworkScale = Math.Log(1 + (ScoreModelV1.NetworkTop / ScoreModelV1.NetworkKnee));

    /// <summary>How much of inbound engagement counts after the ring and new-account discounts (0-1).</summary>
    public static double InboundFactor(in EngagementDrivers e)
    {
        var ring = Clamp01(e.RingShare);
        var suspicious = Clamp01(e.NewOrUnscoredShare);
        var overThreshold = Clamp01((suspicious - ScoreModelV1.NewOrUnscoredThreshold) / (1 - ScoreModelV1.NewOrUnscoredThreshold));
        return (1 - (ScoreModelV1.RingDiscount * ring)) * (1 - (ScoreModelV1.NewOrUnscoredDiscount * overThreshold));
    }

    public static NetworkPart Part(in NetworkDrivers d, double inboundFactor)
    {
        var posts = OrZero(d.Posts);
        var reshares = OrZero(d.Reshares);
        var replies = OrZero(d.Replies);

        // Reach: the audience that engages. Engagements received per day, and distinct engagers where the
        // network counts them (otherwise half the engagements stand in for them); followers weigh a little.
        var engagements = OrZero(d.Reactions) + OrZero(d.Mentions) + reshares + replies;
        var engagers = double.IsNaN(d.Engagers) ? 0.5 * engagements : Math.Max(d.Engagers, 0);
        var engaged = ((ScoreModelV1.ReachEngagersShare * engagers) + ((1 - ScoreModelV1.ReachEngagersShare) * engagements)) * inboundFactor;
        var reach = 100 * (((1 - ScoreModelV1.ReachAudienceShare) * LogScale(engaged, ScoreModelV1.ReachEngagedKnee, ReachEngagedScale))
            + (ScoreModelV1.ReachAudienceShare * LogScale(OrZero(d.Audience), ScoreModelV1.ReachAudienceKnee, ReachAudienceScale)));

        // Amplification: reshares and (half-weighted) replies received per post, shrunk as if every network had a
        // few extra posts a month that nobody reshared: one lucky post is not a superstar, and a network without
        // posts or reshares amplifies nothing.
        var postsInMonth = posts * 30;
        var receivedInMonth = (reshares + (ScoreModelV1.ReplyWeight * replies)) * 30 * inboundFactor;
        var perPost = receivedInMonth / (postsInMonth + ScoreModelV1.PriorPosts);
        var amplification = 100 * LogScale(perPost, ScoreModelV1.AmplificationKnee, AmplificationScale);
        var confidence = postsInMonth / (postsInMonth + ScoreModelV1.PriorPosts);
        return new NetworkPart(reach, amplification, confidence);
    }

    public static double NetworkComponent(in EngagementDrivers e, double inboundFactor) =>
        100 * LogScale(OrZero(e.EngagerWeight) * inboundFactor, ScoreModelV1.NetworkKnee, NetworkScale);

    /// <summary>Computes every network's part into <paramref name="parts"/> and combines them.</summary>
    public static Components Evaluate(ReadOnlySpan<NetworkDrivers> networks, in EngagementDrivers engagement, Span<NetworkPart> parts)
    {
        var inbound = InboundFactor(engagement);
        for (var i = 0; i < networks.Length; i++)
        {
            parts[i] = Part(networks[i], inbound);
        }

        return Combine(parts[..networks.Length], NetworkComponent(engagement, inbound));
    }

    /// <summary>
    /// Networks combine as "strongest plus a diminishing bonus": 100 * (1 - (1 - best) * product(1 - bonus * other)).
    /// Adding a network, or raising any network's value, can only raise the result.
    /// </summary>
    public static Components Combine(ReadOnlySpan<NetworkPart> parts, double network)
    {
        double reach = 0, amplification = 0;
        if (parts.Length > 0)
        {
            int bestReach = 0, bestAmplification = 0;
            for (var i = 1; i < parts.Length; i++)
            {
                if (parts[i].Reach > parts[bestReach].Reach)
                {
                    bestReach = i;
                }

                if (parts[i].Amplification > parts[bestAmplification].Amplification)
                {
                    bestAmplification = i;
                }
            }

            double reachRest = 1 - (parts[bestReach].Reach / 100), amplificationRest = 1 - (parts[bestAmplification].Amplification / 100);
            for (var i = 0; i < parts.Length; i++)
            {
                if (i != bestReach)
                {
                    reachRest *= 1 - (ScoreModelV1.OtherNetworkBonus * parts[i].Reach / 100);
                }

                if (i != bestAmplification)
                {
                    amplificationRest *= 1 - (ScoreModelV1.OtherNetworkBonus * parts[i].Amplification * parts[i].AmplificationConfidence / 100);
                }
            }

            reach = 100 * (1 - reachRest);
            amplification = 100 * (1 - amplificationRest);
        }

        var raw = (ScoreModelV1.ReachWeight * reach) + (ScoreModelV1.AmplificationWeight * amplification) + (ScoreModelV1.NetworkWeight * network);
        return new Components(reach, amplification, network, raw);
    }

    /// <summary>0 at 0, 1 at the top of the scale, logarithmic in between (so doubling adds a fixed step).</summary>
    private static double LogScale(double value, double knee, double scale) =>
        value <= 0 ? 0 : Math.Min(1, Math.Log(1 + (value / knee)) / scale);

    private static double OrZero(double value) => double.IsNaN(value) ? 0 : value;

    private static double Clamp01(double value) => double.IsNaN(value) ? 0 : Math.Clamp(value, 0, 1);
}
