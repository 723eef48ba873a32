using System.Diagnostics;
using System.Globalization;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Evaluation;

/// <summary>A real interaction graph file: the SNAP edge-list format (`src dst weight`) or a dated CSV (`from,to,date`).</summary>
public sealed record GraphFile(string Path, bool Dated)
{
    public string Name => System.IO.Path.GetFileName(Path);
}

/// <summary>One night of one model on a real graph.</summary>
public sealed record GraphNight(
    int Night, string Model, int Scored, int Unscored, double Mean, int P50, int P90, int P99, double ShareAbove80, int DistinctInTop1000, int AtHundred,
    int ComparedWithYesterday, int P99DailyChange, double MeanDailyChange);

public sealed record GraphReplayResult(GraphFile File, int Users, int Edges, IReadOnlyList<GraphNight> Nights, TimeSpan Elapsed);

/// <summary>
/// Part (b) of <c>influence eval</c>: a real graph replayed night after night in memory, v1 and v2 side by side, each
/// with its own population feedback and its own nightly refit. The graph becomes one network ("twitter") as
/// `influence import` makes it: a user's mentions sent are their posts, mentions received and distinct mentioners are
/// what they got back, every day of the graph's span is an observed zero where nothing happened, and the rest
/// (followers, reactions, reshares) is absent. SNAP edges get a stable pseudo-random day in the 90-day window;
/// dated edges keep their dates, shifted so that the newest falls on the last night. Users are flagged new for their
/// first nights, as in production.
/// </summary>
public static class GraphReplay
{
    public const string Network = "twitter";

    /// <summary>The graphs under <paramref name="datasets"/>: Higgs mentions, and with <paramref name="all"/> the others too.</summary>
    public static IReadOnlyList<GraphFile> Find(string datasets, bool all)
    {
        var candidates = new List<GraphFile>
        {
            new(System.IO.Path.Combine(datasets, "snap-higgs-twitter", "higgs-mention_network.edgelist"), false),
        };
        if (all)
        {
            candidates.Add(new(System.IO.Path.Combine(datasets, "snap-higgs-twitter", "higgs-reply_network.edgelist"), false));
            candidates.Add(new(System.IO.Path.Combine(datasets, "repeal8-twitter", "RT8_anonymised.csv"), true));
        }

        return candidates.Where(c => File.Exists(c.Path)).ToList();
    }

    public static GraphReplayResult Run(GraphFile file, int nights, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(file);
        var clock = Stopwatch.StartNew();
        var edges = file.Dated ? ReadDated(file.Path) : ReadSnap(file.Path);
        var graph = new Graph(edges);
        var replay = new NightlyReplay([ScoreModels.Default.Get(ScoreModelV1.ModelVersion), ScoreModels.Default.Get(ScoreModelV2.ModelVersion)], graph.Users.Count, establishedFromStart: false);
        var results = new List<GraphNight>();
        for (var night = 0; night < nights; night++)
        {
            var asOf = graph.LastDay - (nights - 1 - night);
            replay.RunNight(i => graph.InputFor(i, asOf), null, threads);
            foreach (var run in replay.Runs)
            {
                results.Add(Describe(night + 1, run));
            }
        }

        return new GraphReplayResult(file, graph.Users.Count, edges.Count, results, clock.Elapsed);
    }

    public static void Print(GraphReplayResult result, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"(b) {result.File.Name}: {result.Users:N0} users, {result.Edges:N0} edges, {result.Nights.Max(n => n.Night)} nights in memory ({result.Elapsed.TotalSeconds:0.0} s)"));
        output.WriteLine("  night model   scored unscored  mean p50 p90 p99  >80%  top-1000 distinct  =100  |day change| p99  mean");
        foreach (var n in result.Nights)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {n.Night,5} {n.Model,-5} {n.Scored,8:N0} {n.Unscored,8:N0} {n.Mean,5:0.0} {n.P50,3} {n.P90,3} {n.P99,3} {100 * n.ShareAbove80,5:0.00} {n.DistinctInTop1000,17} {n.AtHundred,5} {(n.ComparedWithYesterday > 0 ? n.P99DailyChange.ToString(CultureInfo.InvariantCulture) : "-"),17} {(n.ComparedWithYesterday > 0 ? n.MeanDailyChange.ToString("0.00", CultureInfo.InvariantCulture) : "-"),5}"));
        }
    }

    private static GraphNight Describe(int night, ModelRun run)
    {
        var scores = run.Scores().Order().ToArray();
        var unscored = run.Current.Count(r => r is not null && r.Score is null);
        var changes = run.DailyChanges().Order().ToArray();
        int P(int[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new GraphNight(
            night,
            run.Model.Version,
            scores.Length,
            unscored,
            scores.Length > 0 ? scores.Average() : 0,
            P(scores, 0.5),
            P(scores, 0.9),
            P(scores, 0.99),
            scores.Length > 0 ? scores.Count(s => s > 80) / (double)scores.Length : 0,
            scores.Reverse().Take(1000).Distinct().Count(),
            scores.Count(s => s == 100),
            changes.Length,
            P(changes, 0.99),
            changes.Length > 0 ? changes.Average() : 0);
    }

    private static List<(string From, string To, int Day, float Weight)> ReadSnap(string path)
    {
        // As `influence import`: a stable pseudo-random day in the window ending on the last night (day 0).
        var edges = new List<(string, string, int, float)>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var weight = parts.Length > 2 ? float.Parse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture) : 1f;
            if (parts.Length < 2 || parts[0] == parts[1] || !(weight > 0))
            {
                continue;
            }

            var daysAgo = (int)(UserKeys.Of(parts[0] + ">" + parts[1]) % ScoringWindow.Days);
            edges.Add((parts[0], parts[1], -daysAgo, weight));
        }

        return edges;
    }

    private static List<(string From, string To, int Day, float Weight)> ReadDated(string path)
    {
        var raw = new List<(string, string, int)>();
        using var reader = File.OpenText(path);
        var header = (reader.ReadLine() ?? string.Empty).Split(',');
        int from = Array.IndexOf(header, "from"), to = Array.IndexOf(header, "to"), date = Array.IndexOf(header, "date");
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(',');
            if (parts.Length > Math.Max(from, Math.Max(to, date)) && parts[from] != parts[to]
                && DateTime.TryParseExact(parts[date], "dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when))
            {
                raw.Add((parts[from], parts[to], DateOnly.FromDateTime(when).DayNumber));
            }
        }

        var lastDay = raw.Count == 0 ? 0 : raw.Max(e => e.Item3);
        return raw.Select(e => (e.Item1, e.Item2, e.Item3 - lastDay, 1f)).ToList();
    }

    /// <summary>The graph's users with their daily activity; days are relative to the last night (0), negative before.</summary>
    private sealed class Graph
    {
        private readonly int firstDay;

        public Graph(List<(string From, string To, int Day, float Weight)> edges)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            int For(string id)
            {
                if (!index.TryGetValue(id, out var i))
                {
                    index[id] = i = Users.Count;
                    Users.Add(new User(id));
                }

                return i;
            }

            foreach (var (from, to, day, weight) in edges)
            {
                var sender = Users[For(from)];
                var receiver = Users[For(to)];
                sender.Outbound.Add((receiver.Key, day, weight));
                sender.Sent[day] = sender.Sent.GetValueOrDefault(day) + weight;
                receiver.Inbound.Add((sender.Key, day, weight));
                receiver.Received[day] = receiver.Received.GetValueOrDefault(day) + weight;
                (receiver.Engagers.TryGetValue(day, out var set) ? set : receiver.Engagers[day] = []).Add(sender.Key);
            }

            firstDay = edges.Count == 0 ? 0 : edges.Min(e => e.Day);
            LastDay = 0;
        }

        public List<User> Users { get; } = [];

        public int LastDay { get; }

        public ScoringInput InputFor(int i, int asOf)
        {
            var user = Users[i];
            var values = new float[ScoringWindow.Days * ScoringWindow.SignalCount];
            Array.Fill(values, float.NaN);
            for (var d = 0; d < ScoringWindow.Days; d++)
            {
                var day = asOf - (ScoringWindow.Days - 1) + d;
                if (day < firstDay || day > LastDay)
                {
                    continue; // outside the graph's span: no data, not zero
                }

                var row = values.AsSpan(d * ScoringWindow.SignalCount, ScoringWindow.SignalCount);
                var sent = user.Sent.GetValueOrDefault(day);
                row[(int)SignalKind.Posts] = sent;
                row[(int)SignalKind.MentionsSent] = sent;
                row[(int)SignalKind.MentionsReceived] = user.Received.GetValueOrDefault(day);
                row[(int)SignalKind.UniqueEngagers] = user.Engagers.TryGetValue(day, out var engagers) ? engagers.Count : 0;
            }

            var inbound = user.Inbound.Where(e => e.Day <= asOf && e.Day > asOf - ScoringWindow.Days).Select(e => new Engagement(e.Key, e.Weight, asOf - e.Day)).ToList();
            var outbound = user.Outbound.Where(e => e.Day <= asOf && e.Day > asOf - ScoringWindow.Days).Select(e => new Engagement(e.Key, e.Weight, asOf - e.Day)).ToList();
            return new ScoringInput(user.Id, user.Key, new DateOnly(2012, 7, 31).AddDays(asOf), [new NetworkWindow(Network, values)], inbound, outbound, null);
        }
    }

    private sealed class User(string id)
    {
        public string Id { get; } = id;

        public ulong Key { get; } = UserKeys.Of(id);

        public List<(ulong Key, int Day, float Weight)> Inbound { get; } = [];

        public List<(ulong Key, int Day, float Weight)> Outbound { get; } = [];

        public Dictionary<int, float> Sent { get; } = [];

        public Dictionary<int, float> Received { get; } = [];

        public Dictionary<int, HashSet<ulong>> Engagers { get; } = [];
    }
}
