using System.Globalization;
using System.Text;

namespace InfluenceFunctions.Scoring;

/// <summary>One data row of the aggregate CSV.</summary>
/// <param name="Line">Line number (1 is the header) where the row starts.</param>
public sealed record AggregateCsvRow(int Line, string UserId, AggregateSignals Signals);

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

    /// <summary>The numeric input columns, in documentation order.</summary>
    public static IReadOnlyList<string> NumericColumns { get; } =
    [
        "followers", "following", "listed", "posts", "reactions_received", "replies_received",
        "mentions_received", "reshares_received", "mentions_sent", "reshares_sent",
    ];

    public const string OutputHeader = "user_id,score,reach,amplification,network,status";

    /// <summary>Rows one at a time; throws <see cref="AggregateCsvException"/> at the first bad row.</summary>
    public static IEnumerable<AggregateCsvRow> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ReadRows(reader);
    }

    /// <summary>
    /// Scores every row of <paramref name="input"/> and writes <see cref="OutputHeader"/> rows to
    /// <paramref name="output"/> as it goes. Returns the number of users. On bad input it throws part-way, so
    /// callers that must write nothing on error give it a buffer or a temporary file.
    /// </summary>
    public static int Score(TextReader input, TextWriter output, IScoreModel model, Calibration calibration, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibration);
        var population = EmptyPopulation.Instance;
        output.Write(OutputHeader);
        output.Write('\n');
        var users = 0;
        foreach (var row in Read(input))
        {
            var result = model.Score(row.Signals.ToInput(row.UserId, asOf), population, calibration);
            WriteRow(output, row.UserId, result);
            users++;
        }

        return users;
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

    private static string Component(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static IEnumerable<AggregateCsvRow> ReadRows(TextReader reader)
    {
        var records = new RecordReader(reader);
        if (!records.TryRead(out var header, out var headerLine))
        {
            throw new AggregateCsvException(1, null, "the file is empty; expected a header row with a user_id column");
        }

        var userIdAt = -1;
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

            for (var c = 0; c < NumericColumns.Count; c++)
            {
                if (name == NumericColumns[c])
                {
                    numericAt[c] = numericAt[c] < 0 ? i : throw new AggregateCsvException(headerLine, name, "the column appears twice");
                }
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

            var values = new double[NumericColumns.Count];
            for (var c = 0; c < values.Length; c++)
            {
                values[c] = numericAt[c] < 0 ? double.NaN : ParseValue(fields[numericAt[c]], line, NumericColumns[c]);
            }

            yield return new AggregateCsvRow(line, userId, new AggregateSignals
            {
                Followers = values[0],
                Following = values[1],
                Listed = values[2],
                Posts = values[3],
                ReactionsReceived = values[4],
                RepliesReceived = values[5],
                MentionsReceived = values[6],
                ResharesReceived = values[7],
                MentionsSent = values[8],
                ResharesSent = values[9],
            });
        }
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
