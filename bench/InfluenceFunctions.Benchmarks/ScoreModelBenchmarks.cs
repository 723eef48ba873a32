using BenchmarkDotNet.Attributes;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Benchmarks;

/// <summary>
/// Scores 10,000 pre-built synthetic users per operation (3 networks of 90 days each, about 50 inbound and 30
/// outbound engagements), on one thread, so users/s = 10,000 / (mean time of one operation). Inputs and the
/// population are built once in setup; nothing is read or written while measuring.
/// </summary>
[MemoryDiagnoser]
public class ScoreModelBenchmarks
{
    public const int Users = 10_000;

    private readonly ScoreModelV1 model = new();
    private ScoringInput[] firstNight = [];
    private ScoringInput[] withYesterday = [];
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
    }

    [Benchmark(OperationsPerInvoke = Users, Description = "score one user, first night")]
    public double FirstNight()
    {
        double sum = 0;
        var calibration = model.DefaultCalibration;
        foreach (var input in firstNight)
        {
            sum += model.Score(input, population, calibration).RawIndex;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Users, Description = "score one user, with yesterday")]
    public double WithYesterday()
    {
        double sum = 0;
        var calibration = model.DefaultCalibration;
        foreach (var input in withYesterday)
        {
            sum += model.Score(input, population, calibration).RawIndex;
        }

        return sum;
    }
}
