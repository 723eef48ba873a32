using BenchmarkDotNet.Attributes;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Benchmarks;

/// <summary>
/// Scores 10,000 scorings per operation on one thread, so users/s = 10,000 / (mean time of one operation). The users
/// are the synthetic population (seed 2024, 3 networks of 90 days each, about 50 inbound and 30 outbound engagements,
/// a 20,000-account engager population). Inputs and the population are built once in setup; nothing is read from or
/// written to storage while measuring. The rows, side by side:
/// <list type="bullet">
/// <item>first night / with yesterday: 10,000 different users, each input read from main memory (about 12 KB a user
/// that no cache holds): the pessimistic figure, bounded by the machine's memory bandwidth;</item>
/// <item>input in cache: the first <see cref="CachedUsers"/> of those users in turn, whose inputs (about 3 MB) stay in
/// the CPU caches - the nightly run's situation, where a user's input was decoded from its row just before scoring;</item>
/// <item>read input only: no scoring, just one read of every cache line of each of the 10,000 inputs - what memory
/// alone costs, for reading the first rows.</item>
/// <item>v2 rows: the same users scored by model v2, with network scales and knots fitted to the population first
/// (<see cref="ScaleFit.Fit"/>), as the nightly run would have them.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class ScoreModelBenchmarks
{
    public const int Users = 10_000;

    /// <summary>Users in the in-cache row: distinct, realistic users, few enough that their inputs stay cached.</summary>
    public const int CachedUsers = 256;

    private readonly ScoreModelV1 model = new();
    private readonly ScoreModelV2 modelV2 = new();
    private ScoringInput[] firstNight = [];
    private ScoringInput[] withYesterday = [];
    private ScoringInput[] withYesterdayV2 = [];
    private Calibration calibrationV2 = null!;
    private SyntheticPopulation population = null!;

    [GlobalSetup]
    public void Setup()
    {
        population = SyntheticPopulation.Create(new SyntheticOptions(Users, Seed: 2024, Networks: 3));
        firstNight = population.InputsForNight(1);

        // The second kind of night has yesterday's result (scored on the day before), so holds and moves run too.
        withYesterday = new ScoringInput[Users];
        for (var i = 0; i < Users; i++)
        {
            var before = population.Users[i].InputForNight(0, null);
            var yesterday = model.Score(before, population, model.DefaultCalibration).ToPreviousScore(before.AsOf);
            withYesterday[i] = firstNight[i] with { Yesterday = yesterday };
        }

        // v2 scores against its network scales: fit them (and the knots) to the population, as a night would.
        var summary = new ScaleSummary();
        foreach (var input in firstNight)
        {
            modelV2.Score(input, population, modelV2.DefaultCalibration, summary);
        }

        calibrationV2 = ScaleFit.Fit(modelV2.DefaultCalibration, summary);
        withYesterdayV2 = new ScoringInput[Users];
        for (var i = 0; i < Users; i++)
        {
            var before = population.Users[i].InputForNight(0, null);
            var yesterday = modelV2.Score(before, population, calibrationV2).ToPreviousScore(before.AsOf);
            withYesterdayV2[i] = firstNight[i] with { Yesterday = yesterday };
        }
    }

    [Benchmark(OperationsPerInvoke = Users, Description = "score one user, first night")]
    public double FirstNight() => ScoreAll(firstNight);

    [Benchmark(OperationsPerInvoke = Users, Description = "score one user, with yesterday")]
    public double WithYesterday() => ScoreAll(withYesterday);

    [Benchmark(OperationsPerInvoke = Users, Description = "score one user, with yesterday, input in cache")]
    public double WithYesterdayInCache()
    {
        double sum = 0;
        var calibration = model.DefaultCalibration;
        for (var i = 0; i < Users; i++)
        {
            sum += model.Score(withYesterday[i % CachedUsers], population, calibration).RawIndex;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Users, Description = "v2: score one user, with yesterday")]
    public double WithYesterdayV2()
    {
        double sum = 0;
        foreach (var input in withYesterdayV2)
        {
            sum += modelV2.Score(input, population, calibrationV2).RawIndex;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Users, Description = "v2: score one user, with yesterday, input in cache")]
    public double WithYesterdayInCacheV2()
    {
        double sum = 0;
        for (var i = 0; i < Users; i++)
        {
            sum += modelV2.Score(withYesterdayV2[i % CachedUsers], population, calibrationV2).RawIndex;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Users, Description = "read one user's input only (memory floor)")]
    public float ReadInputOnly()
    {
        // One read per 64-byte cache line of every window and engagement list, through the same objects Score reads.
        float sum = 0;
        foreach (var input in withYesterday)
        {
            for (var n = 0; n < input.Networks.Count; n++)
            {
                var values = input.Networks[n].Values;
                for (var k = 0; k < values.Length; k += 16)
                {
                    sum += values[k];
                }
            }

            sum += Touch(input.Inbound) + Touch(input.Outbound);
        }

        return sum;
    }

    private static float Touch(IReadOnlyList<Engagement> engagements)
    {
        float sum = 0;
        for (var k = 0; k < engagements.Count; k += 4)
        {
            sum += engagements[k].Count;
        }

        return sum;
    }

    private double ScoreAll(ScoringInput[] inputs)
    {
        double sum = 0;
        var calibration = model.DefaultCalibration;
        foreach (var input in inputs)
        {
            sum += model.Score(input, population, calibration).RawIndex;
        }

        return sum;
    }
}
