using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using InfluenceFunctions.Benchmarks;

// A short job keeps a full run under a few minutes; the "users/s" column is 1 / (time per user).
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithId("short"))
    .AddColumn(new UsersPerSecondColumn())
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);

BenchmarkSwitcher.FromAssembly(typeof(ScoreModelBenchmarks).Assembly).Run(args, config);

/// <summary>Users scored per second on one core: each benchmark operation is one user.</summary>
internal sealed class UsersPerSecondColumn : IColumn
{
    public string Id => nameof(UsersPerSecondColumn);

    public string ColumnName => "users/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Users scored per second on one thread (1 / mean time per user)";

    public string GetValue(Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        var nanoseconds = report?.ResultStatistics?.Mean;
        return nanoseconds is > 0 ? (1e9 / nanoseconds.Value).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) => false;
}
