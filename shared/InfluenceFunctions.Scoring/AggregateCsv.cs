using System.Globalization;
using System.Text;

namespace InfluenceFunctions.Scoring;

/// <summary>One data row of the aggregate CSV.</summary>
/// <param name="Line">Line number (1 is the header) where the row starts.</param>
public sealed record AggregateCsvRow(int Line, string UserId, AggregateSignals Signals);

/// <summary>One user of the aggregate CSV: their rows, one per network (one row when the CSV has no network column).</summary>
/// <param name="Line">Line of the user's first row.</param>
public sealed record AggregateCsvUser(int Line, string UserId, IReadOnlyList<AggregateSignals> Networks)
{
    public ScoringInput ToInput(DateOnly asOf) => AggregateSignals.ToInput(UserId, asOf, Networks);
}

/// <summary>A whole aggregate CSV: its users in order of first appearance, and the header's columns the model does not know.</summary>
public sealed record AggregateCsvInput(IReadOnlyList<AggregateCsvUser> Users, IReadOnlyList<string> IgnoredColumns);

/// <summary>The aggregate CSV is not usable; names the line and, where it can, the column.</summary>
public sealed class AggregateCsvException : FormatException
{
    public AggregateCsvException()
    {
    }

    public AggregateCsvException(string message)
        : base(message)
    {
    }

    public AggregateCsvException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AggregateCsvException(int line, string? column, string problem)
        : base(column is null
            ? string.Create(CultureInfo.InvariantCulture, $"line {line}: {problem}")
            : string.Create(CultureInfo.InvariantCulture, $"line {line}, column {column}: {problem}"))
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }

    public string? Column { get; }
}

/// <summary>
/// Reads per-user 90-day aggregates as CSV (header row, columns in any order, extra columns ignored, missing
/// columns and empty cells are unknown values, numbers may be fractional) and writes scores as CSV. Works on
/// readers and writers handed in; opening files is the caller's business.
/// </summary>
public static class AggregateCsv
{
    public const string UserIdColumn = "user_id";

    /// <summary>Optional: the network a row's totals are from; a user's rows on several networks make one user.</summary>
    public const string NetworkColumn = "network";

    /// <summary>The numeric input columns, in documentation order.</summary>
    public static IReadOnlyList<string> NumericColumns { get; } =
    [
        "followers", "following", "listed", "posts", "reactions_received", "replies_received",
        "mentions_received", "reshares_received", "mentions_sent", "reshares_sent", "views_received", "saves_received", "subscribers",
    ];

    /// <summary>The signal each numeric column carries (null: accepted on any network, not scored).</summary>
    private static readonly SignalKind?[] ColumnSignals =
    [
        SignalKind.AudienceSize, null, SignalKind.ListMemberships, SignalKind.Posts, SignalKind.Reactions, SignalKind.Replies,
        SignalKind.MentionsReceived, SignalKind.Reshares, SignalKind.MentionsSent, SignalKind.ResharesSent, SignalKind.Views, SignalKind.Saves,
        SignalKind.AudienceSize,
    ];

    public const string OutputHeader = "user_id,score,reach,amplification,network,status";

    /// <summary>Rows one at a time; throws <see cref="AggregateCsvException"/> at the first bad row.</summary>
    public static IEnumerable<AggregateCsvRow> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ReadRows(reader, []);
    }

    /// <summary>
    /// The whole file as users: rows of the same user (one per network) gathered, in order of first appearance. Throws
    /// <see cref="AggregateCsvException"/> at the first bad row, or when a user (or a user's network) appears twice.
    /// </summary>
    public static AggregateCsvInput ReadUsers(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var ignored = new List<string>();
        var users = new Dictionary<string, (int Line, List<AggregateSignals> Networks)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var row in ReadRows(reader, ignored))
        {
            if (!users.TryGetValue(row.UserId, out var user))
            {
                users[row.UserId] = user = (row.Line, []);
                order.Add(row.UserId);
            }
            else if (user.Networks.Exists(n => n.Network == row.Signals.Network))
            {
                throw new AggregateCsvException(row.Line, UserIdColumn, row.Signals.Network == AggregateSignals.NetworkName
                    ? $"user '{row.UserId}' appears twice"
                    : $"user '{row.UserId}' appears twice on {row.Signals.Network}");
            }

            user.Networks.Add(row.Signals);
        }

        return new AggregateCsvInput(order.Select(id => new AggregateCsvUser(users[id].Line, id, users[id].Networks)).ToList(), ignored);
    }

    /// <summary>
    /// Scores every row of <paramref name="input"/> and writes <see cref="OutputHeader"/> rows to
    /// <paramref name="output"/> as it goes. Returns the number of users. On bad input it throws part-way, so
    /// callers that must write nothing on error give it a buffer or a temporary file.
    /// </summary>
    public static int Score(TextReader input, TextWriter output, IScoreModel model, Calibration calibration, DateOnly asOf) =>
        Score(ReadUsers(input).Users, output, model, calibration, asOf);

    /// <summary>Scores users already read and writes <see cref="OutputHeader"/> rows. Returns the number of users.</summary>
    public static int Score(IReadOnlyList<AggregateCsvUser> users, TextWriter output, IScoreModel model, Calibration calibration, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibration);
        output.Write(OutputHeader);
        output.Write('\n');
        foreach (var user in users)
        {
            WriteRow(output, user.UserId, model.Score(user.ToInput(asOf), EmptyPopulation.Instance, calibration));
        }

        return users.Count;
    }

    /// <summary>
    /// The offline scorer's honest scale: <paramref name="model"/>'s calibration fitted to these users themselves (for v2
    /// its network scales too), as the nightly run fits it to its population. Meant for <see cref="PopulationCalibration.MinimumUsers"/>
    /// users or more; with fewer the fit is too coarse to mean much.
    /// </summary>
    public static Calibration FitCalibration(IReadOnlyList<AggregateCsvUser> users, IScoreModel model, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(users);
        return PopulationCalibration.Fit(model, users.Select(u => u.ToInput(asOf)), EmptyPopulation.Instance, users.Count);
    }

    public static void WriteRow(TextWriter output, string userId, ScoreResult result)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(result);
        var scored = result.Status == ScoreStatus.Scored;
        output.Write(Quote(userId));
        output.Write(',');
        output.Write(scored && result.Score is int score ? score.ToString(CultureInfo.InvariantCulture) : string.Empty);
        output.Write(',');
        output.Write(scored ? Component(result.Reach) : string.Empty);
        output.Write(',');
        output.Write(scored ? Component(result.Amplification) : string.Empty);
        output.Write(',');
        output.Write(scored ? Component(result.Network) : string.Empty);
        output.Write(',');
        output.Write(Quote(scored ? "scored" : "unscored: " + result.UnscoredReason));
        output.Write('\n');
    }

    /// <summary>A CSV field: quoted when it holds a comma, quote, or line break; quotes doubled.</summary>
    public static string Quote(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>One decimal; a component v2 could not measure (NaN: absent) is an empty cell, not 0.</summary>
    private static string Component(double value) => double.IsNaN(value) ? string.Empty : value.ToString("0.0", CultureInfo.InvariantCulture);

    private static IEnumerable<AggregateCsvRow> ReadRows(TextReader reader, List<string> ignored)
    {
        var records = new RecordReader(reader);
        if (!records.TryRead(out var header, out var headerLine))
        {
            throw new AggregateCsvException(1, null, "the file is empty; expected a header row with a user_id column");
        }

        int userIdAt = -1, networkAt = -1;
        var numericAt = new int[NumericColumns.Count];
        Array.Fill(numericAt, -1);
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim().ToLowerInvariant();
            if (name == UserIdColumn)
            {
                userIdAt = userIdAt < 0 ? i : throw new AggregateCsvException(headerLine, UserIdColumn, "the column appears twice");
                continue;
            }

            if (name == NetworkColumn)
            {
                networkAt = networkAt < 0 ? i : throw new AggregateCsvException(headerLine, NetworkColumn, "the column appears twice");
                continue;
            }

            var known = false;
            for (var c = 0; c < NumericColumns.Count; c++)
            {
                if (name == NumericColumns[c])
                {
                    numericAt[c] = numericAt[c] < 0 ? i : throw new AggregateCsvException(headerLine, name, "the column appears twice");
                    known = true;
                }
            }

            if (!known)
            {
                ignored.Add(header[i].Trim());
            }
        }

        if (userIdAt < 0)
        {
            throw new AggregateCsvException(headerLine, null, "no user_id column in the header");
        }

        while (records.TryRead(out var fields, out var line))
        {
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // blank line
            }

            if (fields.Count != header.Count)
            {
                throw new AggregateCsvException(line, null, string.Create(CultureInfo.InvariantCulture, $"{fields.Count} fields, but the header has {header.Count}"));
            }

            var userId = fields[userIdAt].Trim();
            if (userId.Length == 0)
            {
                throw new AggregateCsvException(line, UserIdColumn, "the user id is empty");
            }

            var network = networkAt < 0 ? AggregateSignals.NetworkName : NetworkOf(fields[networkAt], line);
            var vocabulary = NetworkVocabulary.For(network);
            var values = new double[NumericColumns.Count];
            for (var c = 0; c < values.Length; c++)
            {
                values[c] = numericAt[c] < 0 ? double.NaN : ParseValue(fields[numericAt[c]], line, NumericColumns[c]);
                if (!double.IsNaN(values[c]) && ColumnSignals[c] is { } signal && !vocabulary.Exposes(signal))
                {
                    throw new AggregateCsvException(line, NumericColumns[c], $"{network} has no {NetworkVocabulary.WordsFor(signal)}; leave the cell empty");
                }
            }

            const int followers = 0, subscribers = 12;
            if (!double.IsNaN(values[followers]) && !double.IsNaN(values[subscribers]))
            {
                throw new AggregateCsvException(line, NumericColumns[subscribers], "followers and subscribers are the same audience; give one of them");
            }

            yield return new AggregateCsvRow(line, userId, new AggregateSignals
            {
                Network = network,
                Followers = double.IsNaN(values[followers]) ? values[subscribers] : values[followers],
                Following = values[1],
                Listed = values[2],
                Posts = values[3],
                ReactionsReceived = values[4],
                RepliesReceived = values[5],
                MentionsReceived = values[6],
                ResharesReceived = values[7],
                MentionsSent = values[8],
                ResharesSent = values[9],
                ViewsReceived = values[10],
                SavesReceived = values[11],
            });
        }
    }

    private static string NetworkOf(string field, int line)
    {
        var network = field.Trim().ToLowerInvariant();
        if (network.Length == 0)
        {
            throw new AggregateCsvException(line, NetworkColumn, "the network is empty");
        }

        return network == AggregateSignals.NetworkName || NetworkVocabulary.IsKnown(network)
            ? network
            : throw new AggregateCsvException(line, NetworkColumn, $"unknown network '{field.Trim()}'; known: {string.Join(", ", NetworkVocabulary.Known.Select(v => v.Network).Order(StringComparer.Ordinal))}");
    }

    private static double ParseValue(string field, int line, string column)
    {
        var text = field.Trim();
        if (text.Length == 0)
        {
            return double.NaN; // empty cell: not known
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new AggregateCsvException(line, column, $"'{text}' is not a number");
        }

        return value >= 0 ? value : throw new AggregateCsvException(line, column, $"'{text}' is negative");
    }

    /// <summary>RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    private sealed class RecordReader(TextReader reader)
    {
        private readonly StringBuilder field = new();
        private int line = 1;
        private int pending = -2;

        public bool TryRead(out List<string> fields, out int startLine)
        {
            fields = [];
            startLine = line;
            var c = Next();
            if (c < 0)
            {
                return false;
            }

            field.Clear();
            var quoted = false;
            var wasQuoted = false;
            while (true)
            {
                if (quoted)
                {
                    if (c < 0)
                    {
                        throw new AggregateCsvException(startLine, null, "a quoted field is not closed");
                    }

                    if (c == '"')
                    {
                        if (Peek() == '"')
                        {
                            Next();
                            field.Append('"');
                        }
                        else
                        {
                            quoted = false;
                        }
                    }
                    else
                    {
                        if (c == '\n')
                        {
                            line++;
                        }

                        field.Append((char)c);
                    }
                }
                else if (c == '"' && !wasQuoted && field.ToString().Trim().Length == 0)
                {
                    field.Clear();
                    quoted = true;
                    wasQuoted = true;
                }
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                }
                else if (c is '\n' or '\r' or < 0)
                {
                    if (c == '\r' && Peek() == '\n')
                    {
                        Next();
                    }

                    if (c >= 0)
                    {
                        line++;
                    }

                    fields.Add(field.ToString());
                    return true;
                }
                else
                {
                    field.Append((char)c);
                }

                c = Next();
            }
        }

        private int Next()
        {
            if (pending != -2)
            {
                var c = pending;
                pending = -2;
                return c;
            }

            return reader.Read();
        }

        private int Peek()
        {
            if (pending == -2)
            {
                pending = reader.Read();
            }

            return pending;
        }
    }

    private sealed class EmptyPopulation : IPopulationScores
    {
        public static readonly EmptyPopulation Instance = new();

        public bool TryGet(ulong userKey, out PopulationEntry entry)
        {
            entry = default;
            return false;
        }
    }
}
