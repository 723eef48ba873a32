namespace InfluenceFunctions.Scoring;

/// <summary>
/// Fits a model's calibration to a population it is given whole (the offline scorer's input, an in-memory replay's
/// first night): v1's knots from every raw index; v2's network scales and knots through one <see cref="ScaleSummary"/>
/// large enough to hold everybody (up to <see cref="MaximumSampledUsers"/>), so nothing of a moderate file is sampled away.
/// </summary>
public static class PopulationCalibration
{
    /// <summary>Below this many users a population's own calibration is too coarse; the offline scorer then uses the model's default.</summary>
    public const int MinimumUsers = 500;

    /// <summary>The largest uniform sample kept for v2 (about 250 bytes a user).</summary>
    public const int MaximumSampledUsers = 200_000;

    /// <param name="model">The model whose calibration to fit.</param>
    /// <param name="inputs">Everybody's input.</param>
    /// <param name="population">Last night's scores (engager weights), or an empty population.</param>
    /// <param name="users">How many inputs there are (sizes the sample).</param>
    public static Calibration Fit(IScoreModel model, IEnumerable<ScoringInput> inputs, IPopulationScores population, int users)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(population);
        var start = model.DefaultCalibration;
        if (model is ScoreModelV2 v2)
        {
            var summary = new ScaleSummary(Math.Clamp(users, 1, MaximumSampledUsers), ScaleSummary.DefaultTopUsers);
            foreach (var input in inputs)
            {
                v2.Score(input, population, start, summary);
            }

            return summary.Users == 0 ? start : ScaleFit.Fit(start, summary);
        }

        var raws = new List<double>(users);
        foreach (var input in inputs)
        {
            var result = model.Score(input, population, start);
            if (result.Status == ScoreStatus.Scored)
            {
                raws.Add(result.RawIndex);
            }
        }

        return raws.Count == 0 ? start : Calibration.FromSample(model.Version, raws, start.Shape, start.Scales);
    }
}
