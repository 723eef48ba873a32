using InfluenceFunctions.Api;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.UnitTests.Scoring;

/// <summary>Hand-built inputs for scenario tests: steady daily rates, engagers with chosen standing.</summary>
internal static class ScoringTestData
{
    public static readonly DateOnly AsOf = new(2025, 6, 30);

    public static readonly ScoreModelV1 Model = new();

    public static Calibration DefaultCalibration => Model.DefaultCalibration;

    /// <summary>A network window with the same values every day; NaN leaves a signal unreported.</summary>
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
        int daysWithData = ScoringWindow.Days)
    {
        var values = new float[ScoringWindow.Days * ScoringWindow.SignalCount];
        Array.Fill(values, float.NaN);
        for (var d = ScoringWindow.Days - daysWithData; d < ScoringWindow.Days; d++)
        {
            var row = values.AsSpan(d * ScoringWindow.SignalCount, ScoringWindow.SignalCount);
            row[(int)SignalKind.AudienceSize] = (float)audience;
            row[(int)SignalKind.Posts] = (float)posts;
            row[(int)SignalKind.Reactions] = (float)reactions;
            row[(int)SignalKind.Reshares] = (float)reshares;
            row[(int)SignalKind.Replies] = (float)replies;
            row[(int)SignalKind.MentionsReceived] = (float)mentions;
            row[(int)SignalKind.MentionsSent] = 1;
            row[(int)SignalKind.ResharesSent] = 1;
            row[(int)SignalKind.UniqueEngagers] = (float)engagers;
            row[(int)SignalKind.ListMemberships] = (float)lists;
        }

        return new NetworkWindow(network, values);
    }

    /// <summary>A copy of a window with one signal changed on the given day indexes (0 oldest, 89 the scoring day).</summary>
    public static NetworkWindow WithSignal(NetworkWindow window, SignalKind signal, Func<int, float, float> change)
    {
        var values = (float[])window.Values.Clone();
        for (var d = 0; d < ScoringWindow.Days; d++)
        {
            var i = (d * ScoringWindow.SignalCount) + (int)signal;
            values[i] = change(d, values[i]);
        }

        return new NetworkWindow(window.Network, values);
    }

    /// <summary>Every account in <paramref name="accounts"/> engages <paramref name="countPerDay"/> times every <paramref name="everyDays"/> days.</summary>
    public static List<Engagement> Edges(IEnumerable<ulong> accounts, float countPerDay = 1, int everyDays = 1)
    {
        var edges = new List<Engagement>();
        var list = accounts.ToList();
        for (var daysAgo = 0; daysAgo < ScoringWindow.Days; daysAgo++)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if ((daysAgo + i) % everyDays == 0)
                {
                    edges.Add(new Engagement(list[i], countPerDay, daysAgo));
                }
            }
        }

        return edges;
    }

    public static IEnumerable<ulong> Accounts(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => UserKeys.Of($"{prefix}-{i}"));

    public static PopulationTable Population(IEnumerable<ulong> keys, byte score, PopulationFlags flags = PopulationFlags.None, PopulationTable? into = null)
    {
        var list = keys.ToList();
        var table = into ?? new PopulationTable(10_000);
        foreach (var key in list)
        {
            table.Set(key, new PopulationEntry(score, flags));
        }

        return table;
    }

    public static ScoringInput Input(
        string userId,
        IReadOnlyList<NetworkWindow> networks,
        IReadOnlyList<Engagement>? inbound = null,
        IReadOnlyList<Engagement>? outbound = null,
        PreviousScore? yesterday = null) =>
        new(userId, UserKeys.Of(userId), AsOf, networks, inbound ?? [], outbound ?? [], yesterday);

    public static ScoreResult Score(ScoringInput input, IPopulationScores? population = null) =>
        Model.Score(input, population ?? new PopulationTable(0), DefaultCalibration);

    /// <summary>Scores a synthetic user night after night, feeding each result back as yesterday.</summary>
    public static ScoreResult[] Nights(SyntheticUser user, IPopulationScores population, int nights, Calibration? calibration = null)
    {
        var results = new ScoreResult[nights];
        PreviousScore? yesterday = null;
        for (var night = 0; night < nights; night++)
        {
            var input = user.InputForNight(night, yesterday);
            results[night] = Model.Score(input, population, calibration ?? DefaultCalibration);
            yesterday = results[night].ToPreviousScore(input.AsOf);
        }

        return results;
    }

    /// <summary>Nearest-rank percentile of a sample.</summary>
    public static double Percentile(IEnumerable<double> values, double percentile)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var rank = (int)Math.Ceiling(percentile * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
