namespace InfluenceFunctions.Scoring;

public static class PreviousScores
{
    /// <summary>
    /// What tomorrow's run reads back from tonight's result: store the whole <see cref="ScoreResult"/> (Drivers
    /// included) and rebuild it with this, passing it as <see cref="ScoringInput.Yesterday"/>.
    /// </summary>
    /// <param name="result">The stored live result.</param>
    /// <param name="day">The day the result was scored for (its AsOf).</param>
    public static PreviousScore ToPreviousScore(this ScoreResult result, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new PreviousScore(
            day, result.ModelVersion, result.Status, result.Score, result.RawIndex, result.Reach, result.Amplification, result.Network,
            result.NightsScored, result.Drivers);
    }
}
