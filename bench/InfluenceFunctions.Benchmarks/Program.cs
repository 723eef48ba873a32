using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using InfluenceFunctions.Benchmarks;

// A short job keeps a full run under a few minutes; the "users/s" column is 1 / (time per user), "of target" the
// same against the target of 200,000 users/s per core.
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithId("short"))
    .AddColumn(new UsersPerSecondColumn())
    .AddColumn(new UsersPerSecondColumn(UsersPerSecondColumn.TargetPerCore))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);

BenchmarkSwitcher.FromAssembly(typeof(ScoreModelBenchmarks).Assembly).Run(args, config);

/// <summary>
/// Users scored per second on one core (each benchmark operation is one user), or, with a target, that rate as a
/// multiple of the target.
/// </summary>
internal sealed class UsersPerSecondColumn(double? target = null) : IColumn
{
    /// <summary>The throughput target: users scored per second on one core, model only, no I/O.</summary>
    public const double TargetPerCore = 200_000;

    public string Id => nameof(UsersPerSecondColumn) + (target is null ? string.Empty : ".target");

    public string ColumnName => target is null ? "users/s" : "of 200k target";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => target is null ? 0 : 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => target is null
        ? "Users scored per second on one thread (1 / mean time per user)"
        : "users/s divided by the target of 200,000 users/s per core (1.00x = on target)";

    public string GetValue(Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        var nanoseconds = report?.ResultStatistics?.Mean;
        if (nanoseconds is not > 0)
        {
            return "-";
        }

        var perSecond = 1e9 / nanoseconds.Value;
        return target is { } goal
            ? (perSecond / goal).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + "x"
            : perSecond.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) => false;
}
