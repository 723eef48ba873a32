using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.UnitTests.Scoring;

/// <summary>Model v2 helpers: scales fitted to a population as a night would fit them, nights with yesterday fed back.</summary>
internal static class V2TestData
{
    public static readonly ScoreModelV2 Model = new();

    /// <summary>v2's network scales and knots fitted to these users' inputs (one night's <see cref="ScaleSummary"/>).</summary>
    public static Calibration FittedTo(IEnumerable<ScoringInput> inputs, IPopulationScores population)
    {
        var summary = new ScaleSummary();
        foreach (var input in inputs)
        {
            Model.Score(input, population, Model.DefaultCalibration, summary);
        }

        return ScaleFit.Fit(Model.DefaultCalibration, summary);
    }

    /// <summary>
    /// Scales and knots fitted to 6,000 synthetic users (seed 2024): the population the scenario tests' users belong to.
    /// A calibration fitted to the 150 users of a scenario alone would be coarse (a point of score per user or two).
    /// </summary>
    public static Calibration Reference => ReferenceCalibration.Value;

    private static readonly Lazy<Calibration> ReferenceCalibration = new(() => FittedTo(SyntheticPopulation.Create(new SyntheticOptions(6_000, Seed: 2024))));

    public static Calibration FittedTo(SyntheticPopulation population, int night = 0) =>
        FittedTo(population.Users.Select(u => u.InputForNight(night, null)), population);

    /// <summary>Scores a synthetic user night after night with a fixed calibration, feeding each result back as yesterday.</summary>
    public static ScoreResult[] Nights(SyntheticUser user, IPopulationScores population, int nights, Calibration calibration)
    {
        var results = new ScoreResult[nights];
        PreviousScore? yesterday = null;
        for (var night = 0; night < nights; night++)
        {
            var input = user.InputForNight(night, yesterday);
            results[night] = Model.Score(input, population, calibration);
            yesterday = results[night].ToPreviousScore(input.AsOf);
        }

        return results;
    }

    /// <summary>A steady window as <see cref="ScoringTestData.Steady"/>, with views and saves per day (NaN: not reported).</summary>
    public static NetworkWindow Steady(
        string network,
        double posts = 2,
        double reactions = 40,
        double reshares = 6,
        double replies = 4,
        double mentions = 2,
        double engagers = 30,
        double audience = 2_000,
        double lists = 20,
        double views = double.NaN,
        double saves = double.NaN,
        int daysWithData = ScoringWindow.Days)
    {
        var window = ScoringTestData.Steady(network, posts, reactions, reshares, replies, mentions, engagers, audience, lists, daysWithData);
        if (double.IsNaN(views) && double.IsNaN(saves))
        {
            return window;
        }

        var extended = NetworkWindow.NewExtendedValues();
        for (var d = ScoringWindow.Days - daysWithData; d < ScoringWindow.Days; d++)
        {
            extended[d * ScoringWindow.ExtendedSignalCount] = (float)views;
            extended[(d * ScoringWindow.ExtendedSignalCount) + 1] = (float)saves;
        }

        return new NetworkWindow(network, window.Values, extended);
    }

    public static ScoreResult Score(ScoringInput input, Calibration calibration, IPopulationScores? population = null) =>
        Model.Score(input, population ?? new PopulationTable(0), calibration);
}
