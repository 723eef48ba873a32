using System.Globalization;
using System.Runtime.CompilerServices;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// Influence score model v1. Three components, each 0-100: Reach (the audience that engages), Amplification
/// (reshares and replies received per post, with shrinkage), Network (engagement weighted by the engagers'
/// previous scores). The raw index is their weighted sum; <see cref="Calibration"/> maps it to 1-100.
/// Every parameter is a constant below; docs/score-model.md explains them in plain words.
/// </summary>
public sealed partial class ScoreModelV1 : IScoreModel
{
    public const string ModelVersion = "v1";

    // Time.
    /// <summary>A day's signals weigh half as much 45 days later (90-day window).</summary>
    public const double HalfLifeDays = 45;

    /// <summary>
    /// A day on which the user posted nothing on a network (a rest day) weighs this much in that network's reach
    /// averages (reactions, mentions, engagers), so a break lowers them less than its length. Posts, reshares and
    /// replies keep every day at full weight; a day with no posts data at all weighs fully.
    /// </summary>
    public const double RestDayWeight = 0.5;

    /// <summary>
    /// Burst damping: no day counts for more than this multiple of the signal's second-largest day in the window
    /// (or of its average day, or <see cref="MinimumBurstCap"/>, whichever is most).
    /// </summary>
    public const double BurstCapMultiple = 2;

    /// <summary>A day with at most this many of something (posts, reactions, engagements) is never damped.</summary>
    public const double MinimumBurstCap = 2;

    /// <summary>Days with data needed in the 90-day window before a user is scored.</summary>
    public const int MinDaysWithData = 14;

    /// <summary>Nights scored before an account is established (not <see cref="PopulationFlags.New"/>).</summary>
    public const int EstablishedNights = 14;

    // Components and their weights in the raw index.
    public const double ReachWeight = 0.40;
    public const double AmplificationWeight = 0.25;
    public const double NetworkWeight = 0.35;

    /// <summary>Within Reach, the share of followers and list memberships; the rest is engaged audience.</summary>
    public const double ReachAudienceShare = 0.15;

    /// <summary>Within engaged audience, the share of distinct engagers; the rest is engagements received.</summary>
    public const double ReachEngagersShare = 0.7;

    /// <summary>A list membership counts as this many followers.</summary>
    public const double ListMembershipWeight = 20;

    /// <summary>A reply received counts as this fraction of a reshare in Amplification.</summary>
    public const double ReplyWeight = 0.5;

    /// <summary>Shrinkage: every network is treated as having this many extra posts per 30 days that nobody reshared.</summary>
    public const double PriorPosts = 5;

    /// <summary>A second or third network adds this fraction of its strength to what the strongest leaves open.</summary>
    public const double OtherNetworkBonus = 0.35;

    // Log scales: a component reaches 100 at Top and rises by a fixed step per doubling above Knee.
    public const double ReachEngagedKnee = 0.5;
    public const double ReachEngagedTop = 100_000;
    public const double ReachAudienceKnee = 50;
    public const double ReachAudienceTop = 100_000_000;
    public const double AmplificationKnee = 0.02;
    public const double AmplificationTop = 200;
    public const double NetworkKnee = 0.02;
    public const double NetworkTop = 2_000;

    // Network and anti-gaming.
    /// <summary>An engager's weight is (score / 100) to this power.</summary>
    public const double EngagerScoreExponent = 1.5;

    /// <summary>
    /// One engager's engagements on one day saturate: n of them count as n * S / (n + S), never more than S.
    /// </summary>
    public const double EngagerSaturation = 5;

    /// <summary>Weight of an engager without a score (unknown, unscored, or engagement no account is named for).</summary>
    public const double UnknownEngagerWeight = 0.02;

    /// <summary>An engager flagged <see cref="PopulationFlags.New"/> counts this fraction of its score weight.</summary>
    public const double NewEngagerMultiplier = 0.3;

    /// <summary>In the new-or-unscored share, engagement from an unscored account counts this much (a new one fully).</summary>
    public const double UnscoredShareWeight = 0.5;

    /// <summary>Above this new-or-unscored share, inbound engagement is discounted ...</summary>
    public const double NewOrUnscoredThreshold = 0.4;

    /// <summary>... by up to this fraction when the share reaches 1.</summary>
    public const double NewOrUnscoredDiscount = 0.7;

    /// <summary>A perfect ring (all engagement reciprocal, among few accounts) loses this fraction of its engagement.</summary>
    public const double RingDiscount = 0.8;

    /// <summary>Engagement spread over this many effective engagers counts as half concentrated.</summary>
    public const double RingConcentrationScale = 25;

    // Stability.
    /// <summary>
    /// Hysteresis in score points: yesterday's score is kept while today's position on the scale is within
    /// this distance of yesterday's score band, so a user sitting on a boundary does not flicker.
    /// </summary>
    public const double HoldBand = 0.35;

    private const int StackNetworks = 8;

    public string Version => ModelVersion;

    /// <summary>
    /// Fitted to a fixed synthetic heavy-tailed population (<see cref="SyntheticPopulation.DeriveDefaultCalibration"/>:
    /// 20,000 users, seed <see cref="SyntheticPopulation.DefaultCalibrationSeed"/>) and kept as constants. Used until
    /// the nightly run has blended in real population samples.
    /// </summary>
    public Calibration DefaultCalibration => DefaultCalibrationInstance;

    public ScoreResult Score(ScoringInput input, IPopulationScores population, Calibration calibration)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(calibration);
        if (!string.Equals(calibration.ModelVersion, ModelVersion, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The calibration is for model {calibration.ModelVersion}, not {ModelVersion}.", nameof(calibration));
        }

        // The scratch space is allocated here and the work done in ScoreNetworks: a method with both stackalloc and
        // loops is compiled fully optimized on its first call and never gets tier-1 code.
        var count = input.Networks?.Count ?? 0;
        InputPrefetch.Request(input);
        Span<NetworkDrivers> networks = count <= StackNetworks ? stackalloc NetworkDrivers[StackNetworks] : new NetworkDrivers[count];
        Span<int> networkOf = count <= StackNetworks ? stackalloc int[StackNetworks] : new int[count];
        Span<NetworkPart> parts = count <= StackNetworks ? stackalloc NetworkPart[StackNetworks] : new NetworkPart[count];
        return ScoreNetworks(input, population, calibration, networks, networkOf, parts);
    }

    private static ScoreResult ScoreNetworks(
        ScoringInput input, IPopulationScores population, Calibration calibration, Span<NetworkDrivers> networks, Span<int> networkOf, Span<NetworkPart> parts)
    {
        var windows = input.Networks ?? [];
        var present = 0;
        UInt128 days = 0;
        double posts = 0, engagementReceived = 0, edgeLikePerDay = 0;
        for (var i = 0; i < windows.Count; i++)
        {
            var window = windows[i];
            for (var j = 0; j < i; j++)
            {
                if (string.Equals(windows[j].Network, window.Network, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Network {window.Network} appears twice for user {input.UserId}.", nameof(input));
                }
            }

            WindowStatistics.Compute(window, out var s);
            if (!s.HasAnyData)
            {
                continue; // an absent network is not a zero
            }

            days |= s.Days;
            networks[present] = ToDrivers(s);
            networkOf[present] = i;
            present++;

            posts += OrZero(s.Posts);
            engagementReceived += OrZero(s.Reactions) + OrZero(s.Reshares) + OrZero(s.Replies) + OrZero(s.MentionsReceived) + OrZero(s.Engagers);
            edgeLikePerDay += OrZero(s.Reshares) + OrZero(s.Replies) + OrZero(s.MentionsReceived);
        }

        EngagementStatistics.Compute(input, population, out var edges);
        days |= edges.Days;
        var engagement = new EngagementDrivers
        {
            // Engagement the windows count but no edge names an account for is weighed as from unknown accounts.
            EngagerWeight = edges.WeightedPerDay + (UnknownEngagerWeight * Math.Max(0, edgeLikePerDay - edges.CountPerDay)),
            RingShare = edges.RingShare,
            NewOrUnscoredShare = edges.NewOrUnscoredShare,
        };

        networks = networks[..present];
        parts = parts[..present];
        var components = V1Formula.Evaluate(networks, engagement, parts);
        var drivers = CreateDrivers(windows, networks, networkOf, engagement);

        var daysWithData = (int)UInt128.PopCount(days);
        var reason = UnscoredReason(present, daysWithData, posts, engagementReceived + edges.CountPerDay);
        var yesterday = input.Yesterday;
        var sameModel = yesterday is not null && string.Equals(yesterday.ModelVersion, ModelVersion, StringComparison.Ordinal);
        if (reason is not null)
        {
            return new ScoreResult(
                ModelVersion, ScoreStatus.Unscored, reason, null, components.RawIndex, components.Reach, components.Amplification, components.Network,
                yesterday?.NightsScored ?? 0, drivers, []);
        }

        var score = calibration.Map(components.RawIndex);
        if (sameModel && yesterday!.Status == ScoreStatus.Scored && yesterday.Score is int held)
        {
            var position = calibration.Position(components.RawIndex);
            if (position >= held - HoldBand && position < held + 1 + HoldBand)
            {
                score = held;
            }
        }

        IReadOnlyList<ScoreMove> moves = [];
        if (yesterday is { Status: ScoreStatus.Scored, Score: int before } && before != score)
        {
            moves = sameModel
                ? MoveExplainer.Explain(windows, networks, networkOf, parts, engagement, components, calibration, score - before, yesterday)
                : [new ScoreMove("model.version", $"the score model changed from {yesterday.ModelVersion} to {ModelVersion}", score - before)];
        }

        return new ScoreResult(
            ModelVersion, ScoreStatus.Scored, null, score, components.RawIndex, components.Reach, components.Amplification, components.Network,
            (yesterday?.NightsScored ?? 0) + 1, drivers, moves);
    }

    internal static NetworkDrivers ToDrivers(in WindowStatistics s)
    {
        var audience = double.IsNaN(s.Audience) && double.IsNaN(s.Lists)
            ? double.NaN
            : OrZero(s.Audience) + (ListMembershipWeight * OrZero(s.Lists));
        return new NetworkDrivers
        {
            Engagers = s.Engagers,
            Reactions = s.Reactions,
            Mentions = s.MentionsReceived,
            Posts = s.Posts,
            Reshares = s.Reshares,
            Replies = s.Replies,
            Audience = audience,
        };
    }

    internal static string? UnscoredReason(int networks, int daysWithData, double posts, double engagementReceived)
    {
        if (networks == 0 && daysWithData == 0)
        {
            return "no connected network has any data in the last 90 days";
        }

        if (!(posts > 0) && !(engagementReceived > 0))
        {
            return "no posts and no engagement received in the last 90 days";
        }

        if (daysWithData < MinDaysWithData)
        {
            return string.Create(CultureInfo.InvariantCulture, $"only {daysWithData} days with data in the last 90 days; at least {MinDaysWithData} are needed");
        }

        return null;
    }

    private static DriverSet CreateDrivers(
        IReadOnlyList<NetworkWindow> windows, ReadOnlySpan<NetworkDrivers> networks, ReadOnlySpan<int> networkOf, in EngagementDrivers engagement)
    {
        var drivers = new DriverSet(networks.Length);
        for (var i = 0; i < networks.Length; i++)
        {
            drivers.SetNetwork(i, DriverSet.NetworkKeys(windows[networkOf[i]].Network), networks[i]);
        }

        drivers.SetEngagement(engagement);
        return drivers;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double OrZero(double value) => double.IsNaN(value) ? 0 : value;
}
