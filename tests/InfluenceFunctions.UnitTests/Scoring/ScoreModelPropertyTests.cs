using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using InfluenceFunctions.Api;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.UnitTests.Scoring;

public class ScoreModelPropertyTests
{
    private static readonly ScoreModelV1 Model = new();

    [Property(MaxTest = 200)]
    public Property MoreResharesReceivedNeverLowerTheScoreOrAmplification() =>
        Prop.ForAll(Specs.ToArbitrary(), Gen.Choose(1, 2_000).ToArbitrary(), Gen.Choose(0, int.MaxValue - 1).ToArbitrary(), (spec, extra, daysSeed) =>
        {
            var (input, population) = Build(spec);
            var more = WithMoreReshares(input, extra / 10f, daysSeed);
            var before = Model.Score(input, population, Model.DefaultCalibration);
            var after = Model.Score(more, population, Model.DefaultCalibration);

            Assert.True(after.Amplification >= before.Amplification - 1e-9, $"amplification {before.Amplification} -> {after.Amplification}");
            Assert.True(after.RawIndex >= before.RawIndex - 1e-9, $"raw {before.RawIndex} -> {after.RawIndex}");
            if (before.Status == ScoreStatus.Scored)
            {
                Assert.Equal(ScoreStatus.Scored, after.Status);
                Assert.True(after.Score >= before.Score, $"score {before.Score} -> {after.Score}");
            }
        });

    [Property(MaxTest = 200)]
    public Property ComponentsAndScoreStayInBounds() =>
        Prop.ForAll(Specs.ToArbitrary(), spec =>
        {
            var (input, population) = Build(spec);
            var result = Model.Score(input, population, Model.DefaultCalibration);

            Assert.InRange(result.Reach, 0, 100);
            Assert.InRange(result.Amplification, 0, 100);
            Assert.InRange(result.Network, 0, 100);
            Assert.True(double.IsFinite(result.RawIndex));
            Assert.All(result.Drivers.Values, v => Assert.True(double.IsFinite(v)));
            if (result.Status == ScoreStatus.Scored)
            {
                Assert.InRange(result.Score!.Value, 1, 100);
                Assert.Null(result.UnscoredReason);
            }
            else
            {
                Assert.Null(result.Score);
                Assert.False(string.IsNullOrWhiteSpace(result.UnscoredReason));
            }
        });

    [Property(MaxTest = 100)]
    public Property TheSameInputGivesTheSameResult() =>
        Prop.ForAll(Specs.ToArbitrary(), spec =>
        {
            var (input, population) = Build(spec);
            var (again, samePopulation) = Build(spec);
            var first = Model.Score(input, population, Model.DefaultCalibration);
            var second = Model.Score(again, samePopulation, Model.DefaultCalibration);
            var third = Model.Score(input, population, Model.DefaultCalibration);

            foreach (var other in new[] { second, third })
            {
                Assert.Equal(first.Score, other.Score);
                Assert.Equal(first.Status, other.Status);
                Assert.Equal(first.RawIndex, other.RawIndex);
                Assert.Equal(first.Reach, other.Reach);
                Assert.Equal(first.Amplification, other.Amplification);
                Assert.Equal(first.Network, other.Network);
                Assert.Equal(first.Drivers.ToArray(), other.Drivers.ToArray());
                Assert.Equal(first.Moves, other.Moves);
            }
        });

    [Property(MaxTest = 200)]
    public Property TheCalibrationIsMonotone() =>
        Prop.ForAll(Gen.Choose(-1_000, 10_000).ToArbitrary(), Gen.Choose(0, 1_000).ToArbitrary(), (raw, step) =>
        {
            var calibration = Model.DefaultCalibration;
            var low = raw / 100.0;
            var high = low + (step / 100.0);
            Assert.True(calibration.Map(low) <= calibration.Map(high));
            Assert.True(calibration.Position(low) <= calibration.Position(high));
            Assert.InRange(calibration.Map(low), 1, 100);
            Assert.Equal(calibration.Map(low), (int)Math.Floor(calibration.Position(low)));
        });

    /// <summary>What one random user looks like: sizes, gaps, engagers and whether there was a yesterday.</summary>
    public sealed record InputSpec(int Seed, int Networks, int SizeExponent, int NoDataPercent, int ZeroPercent, int Engagers, bool WithYesterday);

    private static Gen<InputSpec> Specs =>
        from seed in Gen.Choose(0, int.MaxValue - 1)
        from networks in Gen.Choose(0, 3)
        from size in Gen.Choose(-3, 4)
        from noData in Gen.Elements(0, 0, 5, 30, 85, 100)
        from zeros in Gen.Elements(0, 10, 60, 95)
        from engagers in Gen.Choose(0, 60)
        from yesterday in Gen.Elements(false, true)
        select new InputSpec(seed, networks, size, noData, zeros, engagers, yesterday);

    private static (ScoringInput Input, PopulationTable Population) Build(InputSpec spec)
    {
        var random = new Random(spec.Seed);
        var scale = Math.Pow(3, spec.SizeExponent);
        var windows = new List<NetworkWindow>();
        for (var n = 0; n < spec.Networks; n++)
        {
            var values = new float[ScoringWindow.Days * ScoringWindow.SignalCount];
            var rates = Enumerable.Range(0, ScoringWindow.SignalCount).Select(_ => scale * random.NextDouble() * 10).ToArray();
            rates[(int)SignalKind.AudienceSize] *= 100;
            for (var d = 0; d < ScoringWindow.Days; d++)
            {
                for (var s = 0; s < ScoringWindow.SignalCount; s++)
                {
                    var draw = random.Next(100);
                    values[(d * ScoringWindow.SignalCount) + s] =
                        draw < spec.NoDataPercent ? float.NaN
                        : random.Next(100) < spec.ZeroPercent ? 0
                        : (float)(rates[s] * random.NextDouble() * (random.Next(30) == 0 ? 20 : 1)); // the odd burst
                }
            }

            windows.Add(new NetworkWindow($"net{n}", values));
        }

        var population = new PopulationTable(spec.Engagers + 1);
        var inbound = new List<Engagement>();
        var outbound = new List<Engagement>();
        for (var e = 0; e < spec.Engagers; e++)
        {
            var key = UserKeys.Of($"engager-{spec.Seed}-{e}");
            if (random.Next(10) > 0)
            {
                population.Set(key, new PopulationEntry((byte)random.Next(1, 101), random.Next(5) == 0 ? PopulationFlags.New : PopulationFlags.None));
            }

            inbound.Add(new Engagement(key, random.Next(1, 6), random.Next(ScoringWindow.Days)));
            if (random.Next(3) == 0)
            {
                outbound.Add(new Engagement(key, random.Next(1, 6), random.Next(ScoringWindow.Days)));
            }
        }

        var userId = $"user-{spec.Seed}";
        var input = new ScoringInput(userId, UserKeys.Of(userId), new DateOnly(2025, 6, 30), windows, inbound, outbound, null);
        if (spec.WithYesterday)
        {
            var yesterday = Model.Score(WithMoreReshares(input, 3, spec.Seed), population, Model.DefaultCalibration);
            input = input with { Yesterday = yesterday.ToPreviousScore(input.AsOf.AddDays(-1)) };
        }

        return (input, population);
    }

    /// <summary>The same input with <paramref name="extra"/> more reshares on some days that have data (of every network).</summary>
    private static ScoringInput WithMoreReshares(ScoringInput input, float extra, int daysSeed)
    {
        var random = new Random(daysSeed);
        var windows = input.Networks.Select(w =>
        {
            var values = (float[])w.Values.Clone();
            for (var d = 0; d < ScoringWindow.Days; d++)
            {
                var i = (d * ScoringWindow.SignalCount) + (int)SignalKind.Reshares;
                if (!float.IsNaN(values[i]) && random.Next(4) == 0)
                {
                    values[i] += extra;
                }
            }

            return new NetworkWindow(w.Network, values);
        }).ToList();
        return input with { Networks = windows };
    }
}
