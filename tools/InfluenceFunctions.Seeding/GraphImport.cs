using System.Globalization;
using Azure.Data.Tables;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.People;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.People;

namespace InfluenceFunctions.Seeding;

/// <summary>One interaction from a public graph: <see cref="From"/> mentioned (or replied to) <see cref="To"/>.</summary>
public readonly record struct GraphEdge(string From, string To, int DayNumber, float Weight);

/// <summary>
/// Reads real interaction graphs as engagement edges: the SNAP edge-list format (`src dst weight`, no dates:
/// each edge gets a stable pseudo-random day in the 90-day window) and dated CSVs (`from,to,date[,...]`,
/// `dd/MM/yyyy HH:mm`, shifted so the newest day is the night being scored).
/// </summary>
public static class GraphFiles
{
    public static List<GraphEdge> ReadSnap(TextReader reader, DateOnly lastDay)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var edges = new List<GraphEdge>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || (parts.Length > 2 && !float.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            {
                throw new FormatException($"line {lineNumber}: expected 'src dst [weight]'");
            }

            var weight = parts.Length > 2 ? float.Parse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture) : 1f;
            if (parts[0] == parts[1] || !(weight > 0))
            {
                continue;
            }

            var daysAgo = (int)(UserKeys.Of(parts[0] + ">" + parts[1]) % ScoringWindow.Days);
            edges.Add(new GraphEdge(parts[0], parts[1], lastDay.DayNumber - daysAgo, weight));
        }

        return edges;
    }

    public static List<GraphEdge> ReadDatedCsv(TextReader reader, DateOnly lastDay)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = (reader.ReadLine() ?? throw new FormatException("the file is empty")).Split(',');
        int from = Array.IndexOf(header, "from"), to = Array.IndexOf(header, "to"), date = Array.IndexOf(header, "date");
        if (from < 0 || to < 0 || date < 0)
        {
            throw new FormatException("the header must name the columns from, to and date");
        }

        var raw = new List<(string From, string To, int Day)>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var parts = line.Split(',');
            if (parts.Length <= Math.Max(from, Math.Max(to, date))
                || !DateTime.TryParseExact(parts[date], "dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when))
            {
                throw new FormatException($"line {lineNumber}: expected from,to,date with date as dd/MM/yyyy HH:mm");
            }

            if (parts[from] != parts[to])
            {
                raw.Add((parts[from], parts[to], DateOnly.FromDateTime(when).DayNumber));
            }
        }

        var shift = raw.Count == 0 ? 0 : lastDay.DayNumber - raw.Max(e => e.Day);
        return raw.Select(e => new GraphEdge(e.From, e.To, e.Day + shift, 1f)).ToList();
    }
}

/// <summary>
/// Turns graph edges into users' signal rows on one network: a user's mentions sent are their posts, their
/// mentions received and distinct mentioners are what they got back; what the graph does not say (audience,
/// reactions, reshares) stays absent, not zero. Days inside the graph's span with no activity are zeros.
/// </summary>
public sealed class GraphImporter(InfluenceTables tables, InfluenceOptions options)
{
    public const string Network = "twitter";

    public async Task<(int Users, int Edges)> ImportAsync(IReadOnlyList<GraphEdge> edges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edges);
        await tables.CreateIfNotExistsAsync(cancellationToken);
        var firstDay = edges.Min(e => e.DayNumber);
        var lastDay = edges.Max(e => e.DayNumber);
        var users = new Dictionary<string, UserAccumulator>(StringComparer.Ordinal);
        UserAccumulator For(string id) => users.TryGetValue(id, out var u) ? u : users[id] = new UserAccumulator();
        foreach (var edge in edges)
        {
            var (fromKey, toKey) = (UserKeys.Of(edge.From), UserKeys.Of(edge.To));
            var sender = For(edge.From);
            sender.Outbound.Add((toKey, edge.DayNumber, edge.Weight));
            sender.Sent[edge.DayNumber] = sender.Sent.GetValueOrDefault(edge.DayNumber) + edge.Weight;
            var receiver = For(edge.To);
            receiver.Inbound.Add((fromKey, edge.DayNumber, edge.Weight));
            receiver.Received[edge.DayNumber] = receiver.Received.GetValueOrDefault(edge.DayNumber) + edge.Weight;
            (receiver.Engagers.TryGetValue(edge.DayNumber, out var set) ? set : receiver.Engagers[edge.DayNumber] = []).Add(fromKey);
        }

        var rows = new List<TableEntity>(users.Count);
        var values = new float[ScoringWindow.SignalCount];
        foreach (var (userId, user) in users)
        {
            var series = PackedSeries.Empty();

            // Zeros, not NaN, on every day of the graph's span, quiet days included: the graph watched every account
            // on every day it covers, so a day without edges is an observed zero, while NaN means the network sent
            // nothing that day (absent data). With NaN on quiet days a user seen on a few days would have only those
            // as "days with data" and stay unscored, though the graph observed them for its whole span.
            for (var day = Math.Max(firstDay, lastDay - PackedSeries.MaxDays + 1); day <= lastDay; day++)
            {
                Array.Fill(values, float.NaN);
                var sent = user.Sent.GetValueOrDefault(day);
                values[(int)SignalKind.Posts] = sent;
                values[(int)SignalKind.MentionsSent] = sent;
                values[(int)SignalKind.MentionsReceived] = user.Received.GetValueOrDefault(day);
                values[(int)SignalKind.UniqueEngagers] = user.Engagers.TryGetValue(day, out var engagers) ? engagers.Count : 0;
                series.Set(day, values);
            }

            // An imported graph stands for a population that signed up: everyone in it is opted in with this network connected.
            var optedIn = new DateTimeOffset(DateOnly.FromDayNumber(firstDay).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var row = AccountRows.NewRow(Shards.KeyOf(userId, options.ShardCount), userId, optedIn, [new Connection(Network, userId, optedIn)]);
            row[SignalRows.WindowColumn(Network)] = series.Encode();
            row[SignalRows.InboundColumn] = PackedEngagements.Pack(user.Inbound);
            row[SignalRows.OutboundColumn] = PackedEngagements.Pack(user.Outbound);
            rows.Add(row);
        }

        await TableBatches.WriteRowsAsync(tables.Signals, rows, null, cancellationToken);
        return (users.Count, edges.Count);
    }

    private sealed class UserAccumulator
    {
        public List<(ulong, int, float)> Inbound { get; } = [];

        public List<(ulong, int, float)> Outbound { get; } = [];

        public Dictionary<int, float> Sent { get; } = [];

        public Dictionary<int, float> Received { get; } = [];

        public Dictionary<int, HashSet<ulong>> Engagers { get; } = [];
    }
}
