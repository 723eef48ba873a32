namespace InfluenceFunctions.Scoring;

/// <summary>Everything the model needs to score one user for one night. No I/O happens past this point.</summary>
/// <param name="UserId">The user's id, for messages only.</param>
/// <param name="UserKey"><see cref="UserKeys.Of"/> of the id; used to spot self-engagement and reciprocity.</param>
/// <param name="AsOf">The scoring day (UTC date). Day index 89 of every <see cref="NetworkWindow"/>.</param>
/// <param name="Networks">Connected networks. A network with no data is absent or all NaN; never treat it as zeros.</param>
/// <param name="Inbound">Others engaging this user (mentions, reshares, replies), by day.</param>
/// <param name="Outbound">This user engaging others, by day; reciprocity (rings) is judged from both lists.</param>
/// <param name="Yesterday">The user's previous live result, or null on the first night.</param>
public sealed record ScoringInput(
    string UserId,
    ulong UserKey,
    DateOnly AsOf,
    IReadOnlyList<NetworkWindow> Networks,
    IReadOnlyList<Engagement> Inbound,
    IReadOnlyList<Engagement> Outbound,
    PreviousScore? Yesterday);

/// <summary>The parts of yesterday's result the model reads back (for stability and for the explanation).</summary>
public sealed record PreviousScore(
    DateOnly Day,
    string ModelVersion,
    ScoreStatus Status,
    int? Score,
    double RawIndex,
    double Reach,
    double Amplification,
    double Network,
    int NightsScored,
    IReadOnlyDictionary<string, double> Drivers);

public enum ScoreStatus
{
    Scored = 0,
    Unscored = 1,
}

/// <summary>One signal that moved the score since yesterday, with its effect in points.</summary>
/// <param name="Driver">Stable machine key, e.g. "twitter.reshares".</param>
/// <param name="Description">Plain words, e.g. "reshares received on twitter fell 40%".</param>
/// <param name="Points">Signed effect on the 1-100 score.</param>
public sealed record ScoreMove(string Driver, string Description, double Points);

/// <summary>
/// A night's result for one user. Unscored results carry a reason and no score (never 0).
/// <see cref="Drivers"/> are the named quantities the explanation compares night to night; they are stored
/// with the score and come back as <see cref="PreviousScore.Drivers"/>.
/// </summary>
public sealed record ScoreResult(
    string ModelVersion,
    ScoreStatus Status,
    string? UnscoredReason,
    int? Score,
    double RawIndex,
    double Reach,
    double Amplification,
    double Network,
    int NightsScored,
    IReadOnlyDictionary<string, double> Drivers,
    IReadOnlyList<ScoreMove> Moves);

/// <summary>A score model version. Implementations are pure and thread-safe.</summary>
public interface IScoreModel
{
    /// <summary>Recorded with every score, e.g. "v1".</summary>
    string Version { get; }

    /// <summary>The mapping this version starts from before any population sample exists.</summary>
    Calibration DefaultCalibration { get; }

    ScoreResult Score(ScoringInput input, IPopulationScores population, Calibration calibration);
}
