namespace InfluenceFunctions.Scoring;

/// <summary>
/// Influence score model v2: one honest scale across networks. Each network's signals (<see cref="V2Signal"/>,
/// only those its <see cref="NetworkVocabulary"/> exposes) are measured against that network's own population
/// (<see cref="NetworkScales"/>, refreshed nightly beside the calibration by <see cref="ScaleFit"/>), so the top of
/// Instagram means what the top of Twitter means. Engagement dominates; followers and lists count in proportion.
/// Networks combine as a soft maximum (a second network never lowers a score), nothing saturates (no ceiling), and the
/// calibration's shape (<see cref="CalibrationShape.V2"/>) keeps the top in order. What works in v1 stays: the 90-day
/// decayed, burst-damped window with rest days, the ring and new-account discounts, engagers weighted by their own
/// scores, the hold band, unscored with a reason, and moves in plain words. docs/score-model.md explains it.
/// </summary>
public sealed class ScoreModelV2 : IScoreModel
{

    public const string ModelVersion = "v2";

    /// <summary>
    /// Per-post signals divide by at least this many posts a month: someone who hardly posts is measured by what arrives
    /// in a month, and one lucky post in the window counts as a month's worth, not as a record.
    /// </summary>
    public const double MinimumPostsPerMonth = 1;

    /// <summary>On video networks views are the main signal: their weight among the engagement signals (the others weigh 0.5-1).</summary>
    public const double VideoViewsWeight = 2.5;

    /// <summary>Weight of the engager-weighted engagement (who engages) among a network's engagement signals.</summary>
    public const double GraphWeight = 1;

    /// <summary>Share of the audience (followers, lists) in a network's composite; engagement has the rest.</summary>
    public const double AudienceShare = 0.3;

    /// <summary>
    /// The audience counts at most this many standard deviations above the engagement it brings: a bought audience
    /// that nobody engages with is not reach.
    /// </summary>
    public const double AudienceLead = 0.75;

    /// <summary>
    /// Networks combine as T * ln(sum of exp(z / T)) over their standard scores: the strongest counts in full, a second
    /// as strong adds T * ln 2 (0.14 standard deviations), a weak one almost nothing, and none ever subtracts.
    /// </summary>
    public const double NetworkTemperature = 0.2;

    /// <summary>A perfect ring (all engagement reciprocal, among few accounts) loses this fraction of its inbound engagement (v1: 0.8).</summary>
    public const double RingDiscount = 0.9;

    /// <summary>
    /// Engagement spread over this many effective engagers counts as half concentrated in the ring share (v1: 25, which
    /// let a pod of a dozen accounts hide among ordinary engagers).
    /// </summary>
    public const double RingConcentrationScale = 60;

    /// <summary>
    /// The ring and new-or-unscored shares are judged on evidence: with this many (decayed) named engagements in the
    /// window they count half, with ten times as many almost fully.
    /// </summary>
    public const double ShareEvidenceEngagements = 10;

    /// <summary>Hysteresis in score points, as in v1 (<see cref="ScoreModelV1.HoldBand"/>).</summary>
    public const double HoldBand = ScoreModelV1.HoldBand;

    /// <summary>The per-network driver suffixes of <see cref="ScoreResult.Drivers"/> ("{network}.{suffix}"), in stored order.</summary>
    public static IReadOnlyList<string> NetworkDriverSuffixes { get; } =
    [
        ScoreDrivers.EngagersPerDay,
        ScoreDrivers.ReactionsPerDay,
        ScoreDrivers.MentionsReceivedPerDay,
        ScoreDrivers.PostsPerDay,
        ScoreDrivers.ResharesReceivedPerDay,
        ScoreDrivers.RepliesReceivedPerDay,
        "followers",
        "list_memberships",
        "views_per_day",
        "saves_per_day",
    ];

    private const int StackNetworks = 8;

    private static readonly Calibration DefaultCalibrationInstance = CreateDefaultCalibration();

    public string Version => ModelVersion;

    /// <summary>
    /// Before any night: the network scales' priors (<see cref="NetworkScales.Prior"/>) and knots that put a standard
    /// normal raw index on <see cref="CalibrationShape.V2"/> - what the scales make of each network's population once
    /// fitted. No synthetic population is needed; the first real night's sample replaces it.
    /// </summary>
    public Calibration DefaultCalibration => DefaultCalibrationInstance;

    public ScoreResult Score(ScoringInput input, IPopulationScores population, Calibration calibration) =>
        Score(input, population, calibration, null);

    /// <summary>Scores one user; when <paramref name="observe"/> is given, a scored user is also added to it for the nightly refit.</summary>
    public ScoreResult Score(ScoringInput input, IPopulationScores population, Calibration calibration, ScaleSummary? observe)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(calibration);
        if (!string.Equals(calibration.ModelVersion, ModelVersion, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The calibration is for model {calibration.ModelVersion}, not {ModelVersion}.", nameof(calibration));
        }

        // Scratch on the stack here, the loops in ScoreNetworks (see ScoreModelV1.Score for why they are apart).
        var count = input.Networks?.Count ?? 0;
        InputPrefetch.Request(input);
        Span<V2NetworkDrivers> networks = count <= StackNetworks ? stackalloc V2NetworkDrivers[StackNetworks] : new V2NetworkDrivers[count];
        Span<int> networkOf = count <= StackNetworks ? stackalloc int[StackNetworks] : new int[count];
        var refs = new ScaleRefs();
        Span<ResolvedNetworkScale> scales = refs;
        if (count > StackNetworks)
        {
            scales = new ResolvedNetworkScale[count];
        }

        return ScoreNetworks(input, population, calibration, networks, networkOf, scales, observe);
    }

    private static ScoreResult ScoreNetworks(
        ScoringInput input,
        IPopulationScores population,
        Calibration calibration,
        Span<V2NetworkDrivers> networks,
        Span<int> networkOf,
        Span<ResolvedNetworkScale> scales,
        ScaleSummary? observe)
    {
        var windows = input.Networks ?? [];
        var networkScales = calibration.Scales ?? NetworkScales.Prior;
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
            var extended = ExtendedStatistics.Compute(window);
            if (!s.HasAnyData && extended.Days == UInt128.Zero)
            {
                continue; // an absent network is not a zero
            }

            var scale = networkScales.For(window.Network);
            var measuredDrivers = ToDrivers(s, extended.Views, extended.Saves, scale.Vocabulary);
            days |= s.Days | extended.Days;
            networks[present] = measuredDrivers;
            networkOf[present] = i;
            scales[present] = scale;
            present++;

            posts += OrZero(measuredDrivers.Posts);
            engagementReceived += OrZero(measuredDrivers.Reactions) + OrZero(measuredDrivers.Reshares) + OrZero(measuredDrivers.Replies)
                + OrZero(measuredDrivers.Mentions) + OrZero(measuredDrivers.Engagers) + OrZero(measuredDrivers.Views) + OrZero(measuredDrivers.Saves);
            edgeLikePerDay += OrZero(measuredDrivers.Reshares) + OrZero(measuredDrivers.Replies) + OrZero(measuredDrivers.Mentions);
        }

        EngagementStatistics.Compute(input, population, out var edges);
        days |= edges.Days;
        var graphPresent = edges.Days != UInt128.Zero;
        var engagement = new EngagementDrivers
        {
            // As in v1: engagement the windows count but no edge names an account for is weighed as from unknown accounts.
            EngagerWeight = edges.WeightedPerDay + (ScoreModelV1.UnknownEngagerWeight * Math.Max(0, edgeLikePerDay - edges.CountPerDay)),
            RingShare = RingShareOf(edges) * ShareEvidence(edges),
            NewOrUnscoredShare = edges.NewOrUnscoredShare * ShareEvidence(edges),
        };

        networks = networks[..present];
        scales = scales[..present];
        var observing = observe is not null;
        var composites = observing ? new double[present] : [];
        var measured = observing ? new double[present * V2Signals.MeasuredCount] : [];
        var components = V2Formula.Evaluate(networks, scales, engagement, graphPresent, networkScales.Graph, composites, measured);
        var drivers = new V2DriverSet(present);
        for (var i = 0; i < present; i++)
        {
            drivers.SetNetwork(i, windows[networkOf[i]].Network, networks[i]);
        }

        drivers.SetEngagement(engagement, graphPresent);

        var reason = ScoreModelV1.UnscoredReason(present, (int)UInt128.PopCount(days), posts, engagementReceived + edges.CountPerDay);
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
                ? V2MoveExplainer.Explain(windows, networks, networkOf, scales, engagement, graphPresent, components, calibration, score - before, yesterday)
                : [new ScoreMove("model.version", $"the score model changed from {yesterday.ModelVersion} to {ModelVersion}", score - before)];
        }

        if (observing)
        {
            observe!.Add(Observation(input.UserKey, windows, networkOf[..present], measured, graphPresent ? V2Formula.Graph(engagement, V2Formula.InboundFactor(engagement)) : double.NaN, composites, components.RawIndex));
        }

        return new ScoreResult(
            ModelVersion, ScoreStatus.Scored, null, score, components.RawIndex, components.Reach, components.Amplification, components.Network,
            (yesterday?.NightsScored ?? 0) + 1, drivers, moves);
    }

    /// <summary>
    /// How ring-like inbound engagement is (0-1), as v1 judges it - the reciprocal share of inbound engagement times the
    /// reciprocal share of outbound times how concentrated the engagers are - with a wider concentration scale: an
    /// engagement pod of a dozen accounts diluted by ordinary engagement still counts as concentrated.
    /// </summary>
    internal static double RingShareOf(in EngagementStatistics edges)
    {
        var spread = edges.EffectiveEngagers / RingConcentrationScale;
        return edges.ReciprocalInShare * edges.ReciprocalOutShare / (1 + (spread * spread));
    }

    /// <summary>
    /// How much the ring and new-or-unscored shares can be trusted: engagements / (engagements + <see cref="ShareEvidenceEngagements"/>)
    /// over the window (decayed). One mention back and forth with a friend is not a ring, and two edges from unknown
    /// accounts are not bought engagement; hundreds are.
    /// </summary>
    internal static double ShareEvidence(in EngagementStatistics edges)
    {
        var engagements = edges.CountPerDay * WindowStatistics.WindowWeight;
        return engagements / (engagements + ShareEvidenceEngagements);
    }

    /// <summary>A network's v2 drivers: what the window reports and the network exposes; anything else absent (NaN).</summary>
    internal static V2NetworkDrivers ToDrivers(in WindowStatistics s, double views, double saves, NetworkVocabulary vocabulary) => new()
    {
        Engagers = Exposed(vocabulary, SignalKind.UniqueEngagers, s.Engagers),
        Reactions = Exposed(vocabulary, SignalKind.Reactions, s.Reactions),
        Mentions = Exposed(vocabulary, SignalKind.MentionsReceived, s.MentionsReceived),
        Posts = Exposed(vocabulary, SignalKind.Posts, s.Posts),
        Reshares = Exposed(vocabulary, SignalKind.Reshares, s.Reshares),
        Replies = Exposed(vocabulary, SignalKind.Replies, s.Replies),
        Followers = Exposed(vocabulary, SignalKind.AudienceSize, s.Audience),
        Lists = Exposed(vocabulary, SignalKind.ListMemberships, s.Lists),
        Views = Exposed(vocabulary, SignalKind.Views, views),
        Saves = Exposed(vocabulary, SignalKind.Saves, saves),
    };

    private static double Exposed(NetworkVocabulary vocabulary, SignalKind signal, double value) =>
        vocabulary.Exposes(signal) ? value : double.NaN;

    private static UserObservation Observation(
        ulong key, IReadOnlyList<NetworkWindow> windows, ReadOnlySpan<int> networkOf, double[] measured, double graph, double[] composites, double raw)
    {
        var names = new string[networkOf.Length];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = windows[networkOf[i]].Network;
        }

        var signals = new float[measured.Length];
        for (var i = 0; i < signals.Length; i++)
        {
            signals[i] = (float)measured[i];
        }

        return new UserObservation(key, names, signals, (float)graph, composites, raw);
    }

    private static Calibration CreateDefaultCalibration()
    {
        var shape = CalibrationShape.V2;
        var knots = new double[Calibration.Points];
        for (var s = 1; s <= Calibration.Points; s++)
        {
            // Score 1 starts at the bottom: a finite knot well below anything the scales produce.
            knots[s - 1] = s == 1 ? -10 : NormalDistribution.InverseCdf(shape.PercentileWhereScoreStarts(s));
        }

        return new Calibration(ModelVersion, knots, 0, shape, NetworkScales.Prior);
    }

    private static double OrZero(double value) => double.IsNaN(value) ? 0 : value;
}


