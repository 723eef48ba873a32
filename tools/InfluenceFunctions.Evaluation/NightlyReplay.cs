using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Evaluation;

/// <summary>One model's state through a replay: its calibration, last night's and this night's results.</summary>
public sealed class ModelRun
{
    internal ModelRun(IScoreModel model, int users)
    {
        Model = model;
        Calibration = model.DefaultCalibration;
        Current = new ScoreResult?[users];
        Previous = new ScoreResult?[users];
    }

    public IScoreModel Model { get; }

    /// <summary>The calibration the next night will use (the trailing refit of every night so far).</summary>
    public Calibration Calibration { get; internal set; }

    /// <summary>The latest night's results, by user.</summary>
    public ScoreResult?[] Current { get; internal set; }

    /// <summary>The night before's results, by user.</summary>
    public ScoreResult?[] Previous { get; internal set; }

    /// <summary>Day-over-day |score change| of the users scored on both of the last two nights.</summary>
    public IEnumerable<int> DailyChanges()
    {
        for (var i = 0; i < Current.Length; i++)
        {
            if (Previous[i]?.Score is int before && Current[i]?.Score is int after)
            {
                yield return Math.Abs(after - before);
            }
        }
    }

    public IEnumerable<int> Scores() => Current.Select(r => r?.Score).OfType<int>();
}

/// <summary>
/// The nightly run in memory, for several models side by side: each night every user is scored by every model with
/// its own yesterday fed back, engagers weighted by that model's scores of the night before (population feedback),
/// and afterwards each model's calibration refitted as the nightly run does (v1: the raw indexes blended into the
/// knots; v2: <see cref="ScaleFit.Trailing"/> of the night's <see cref="ScaleSummary"/>). No storage.
/// </summary>
public sealed class NightlyReplay
{
    private readonly ulong[] keys;
    private readonly IReadOnlyList<(ulong Key, PopulationEntry Entry)> extraPopulation;
    private readonly bool establishedFromStart;
    private readonly PopulationTable?[] populations;

    /// <param name="models">The models to run side by side.</param>
    /// <param name="users">Users, indexed 0..users-1 by the input callback.</param>
    /// <param name="establishedFromStart">
    /// Treat every scored user as established from the first night (a world that existed before the replay); otherwise
    /// users are flagged new for their first <see cref="ScoreModelV1.EstablishedNights"/> nights, as in production.
    /// </param>
    /// <param name="extraPopulation">Accounts outside the users that are in every night's population (e.g. fresh accounts).</param>
    public NightlyReplay(IReadOnlyList<IScoreModel> models, int users, bool establishedFromStart, IReadOnlyList<(ulong Key, PopulationEntry Entry)>? extraPopulation = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        Runs = models.Select(m => new ModelRun(m, users)).ToArray();
        keys = new ulong[users];
        this.establishedFromStart = establishedFromStart;
        this.extraPopulation = extraPopulation ?? [];
        populations = new PopulationTable?[models.Count];
    }

    public IReadOnlyList<ModelRun> Runs { get; }

    public int Nights { get; private set; }

    /// <summary>
    /// Scores one night. <paramref name="inputFor"/> builds user i's input (without yesterday); it is called once per
    /// user and night and shared by the models. <paramref name="inspect"/> sees each input once (for baselines).
    /// </summary>
    public void RunNight(Func<int, ScoringInput> inputFor, Action<int, ScoringInput>? inspect = null, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(inputFor);
        foreach (var run in Runs)
        {
            run.Previous = run.Current;
            run.Current = new ScoreResult?[keys.Length];
        }

        var workers = threads > 0 ? threads : Environment.ProcessorCount;
        var summaries = new ScaleSummary[Runs.Count, workers];
        var raws = new List<double>[Runs.Count, workers];
        var empty = new PopulationTable(0);
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            for (var m = 0; m < Runs.Count; m++)
            {
                summaries[m, worker] = new ScaleSummary();
                raws[m, worker] = [];
            }

            for (var i = worker; i < keys.Length; i += workers)
            {
                var input = inputFor(i);
                keys[i] = input.UserKey;
                inspect?.Invoke(i, input);
                for (var m = 0; m < Runs.Count; m++)
                {
                    var run = Runs[m];
                    var yesterday = run.Previous[i]?.ToPreviousScore(input.AsOf.AddDays(-1));
                    var withYesterday = input with { Yesterday = yesterday };
                    var population = populations[m] ?? empty;
                    var result = run.Model is ScoreModelV2 v2
                        ? v2.Score(withYesterday, population, run.Calibration, summaries[m, worker])
                        : run.Model.Score(withYesterday, population, run.Calibration);
                    run.Current[i] = result;
                    if (result.Status == ScoreStatus.Scored)
                    {
                        raws[m, worker].Add(result.RawIndex);
                    }
                }
            }
        });

        for (var m = 0; m < Runs.Count; m++)
        {
            var run = Runs[m];
            if (run.Model is ScoreModelV2)
            {
                var summary = summaries[m, 0];
                for (var w = 1; w < workers; w++)
                {
                    summary.Merge(summaries[m, w]);
                }

                run.Calibration = ScaleFit.Trailing(run.Calibration, summary);
            }
            else
            {
                var sample = Enumerable.Range(0, workers).SelectMany(w => raws[m, w]).ToList();
                if (sample.Count > 0)
                {
                    run.Calibration = Calibration.Trailing(run.Calibration, sample);
                }
            }

            populations[m] = PopulationOf(run);
        }

        Nights++;
    }

    private PopulationTable PopulationOf(ModelRun run)
    {
        var table = new PopulationTable(keys.Length + extraPopulation.Count);
        for (var i = 0; i < keys.Length; i++)
        {
            if (run.Current[i] is { Score: int score } result)
            {
                var established = establishedFromStart || result.NightsScored >= ScoreModelV1.EstablishedNights;
                table.Set(keys[i], new PopulationEntry((byte)score, established ? PopulationFlags.None : PopulationFlags.New));
            }
        }

        foreach (var (key, entry) in extraPopulation)
        {
            table.Set(key, entry);
        }

        return table;
    }
}
