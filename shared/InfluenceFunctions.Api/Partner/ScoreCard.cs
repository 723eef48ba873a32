using System.Globalization;
using System.Security;
using System.Text;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain.Topics;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Api.Partner;

/// <summary>What the media-kit card shows.</summary>
public sealed record ScoreCardData(
    string UserId,
    int? Score,
    string? Reason,
    ComponentsView? Components,
    DateOnly? Day,
    string? ModelVersion,
    int? WeekDelta,
    IReadOnlyList<int?> Last90Days,
    IReadOnlyList<TopicBadge> Topics);

/// <summary>
/// The media-kit card: a 640x360 SVG with the score ring, the three components as bars, a 90-day sparkline and
/// the top topics. Pure text, no external fonts or images, so it renders the same everywhere (docs/media-kit-card.png).
/// </summary>
public static class ScoreCard
{
    public const int Width = 640;
    public const int Height = 360;

    private const string Font = "'Inter','Segoe UI','Helvetica Neue',Arial,'DejaVu Sans',sans-serif";
    private const string Muted = "#94a3b8";
    private const string Track = "#273449";

    public static ScoreCardData From(ScoreLookup lookup, IReadOnlyList<TopicBadge> topics)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        if (lookup.Row is not { } row)
        {
            return new ScoreCardData(lookup.UserId, null, ScoreViews.NotScoredYet, null, null, null, null, [], topics);
        }

        var day = DateOnly.Parse(row.Day, CultureInfo.InvariantCulture);
        var series = new int?[ScoreDetailsHandler.CardDays];
        foreach (var (d, value) in ScoreHistory.Range(row.History, day.AddDays(-(series.Length - 1)), day))
        {
            series[d.DayNumber - day.AddDays(-(series.Length - 1)).DayNumber] = value is > 0 and <= 100 ? value : null;
        }

        var weekAgo = ScoreHistory.Get(row.History, day.AddDays(-7));
        int? weekDelta = row.Score is { } s && weekAgo is > 0 and <= 100 ? s - weekAgo : null;
        return new ScoreCardData(lookup.UserId, row.Score, row.Current.Status == ScoreRowStatus.Scored ? null : row.Reason, ScoreViews.Components(row), day, row.ModelVersion, weekDelta, series, topics);
    }

    public static string Render(ScoreCardData card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var svg = new StringBuilder(8192);
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Escape(card.UserId)}: influence score {(card.Score?.ToString(CultureInfo.InvariantCulture) ?? "not scored")}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Escape(card.UserId)}: influence score {(card.Score?.ToString(CultureInfo.InvariantCulture) ?? "not scored")}</title>");
        svg.Append("""
            <defs>
            <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#0f172a"/><stop offset="1" stop-color="#1e1b4b"/></linearGradient>
            <linearGradient id="ring" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#38bdf8"/><stop offset="1" stop-color="#a78bfa"/></linearGradient>
            <linearGradient id="area" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#38bdf8" stop-opacity="0.35"/><stop offset="1" stop-color="#38bdf8" stop-opacity="0"/></linearGradient>
            </defs>
            """);
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" rx=\"22\" fill=\"url(#bg)\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<g font-family=\"{Font}\">");

        // Header: what this is, and whose.
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"36\" y=\"44\" fill=\"{Muted}\" font-size=\"12\" font-weight=\"600\" letter-spacing=\"2.4\">INFLUENCE SCORE</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"36\" y=\"72\" fill=\"#f8fafc\" font-size=\"22\" font-weight=\"700\">{Escape(Truncate(card.UserId, 40))}</text>");

        Ring(svg, card);
        if (card.Components is { } components)
        {
            Bar(svg, 0, "Reach", components.Reach, "#38bdf8");
            Bar(svg, 1, "Amplification", components.Amplification, "#818cf8");
            Bar(svg, 2, "Network", components.Network, "#c084fc");
        }
        else
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"268\" y=\"112\" fill=\"#f8fafc\" font-size=\"16\" font-weight=\"600\">Not scored yet</text>");
            var line = 0;
            foreach (var text in Wrap(card.Reason ?? "Waiting for the next nightly recalculation.", 44).Take(3))
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"268\" y=\"{138 + (line++ * 19)}\" fill=\"{Muted}\" font-size=\"13\">{Escape(text)}</text>");
            }
        }

        Sparkline(svg, card.Last90Days);
        Topics(svg, card.Topics);
        var asOf = card.Day is { } day ? $"as of {day:yyyy-MM-dd}" + (string.IsNullOrEmpty(card.ModelVersion) ? string.Empty : $" · model {card.ModelVersion}") : "recalculated nightly";
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - 36}\" y=\"44\" text-anchor=\"end\" fill=\"{Muted}\" font-size=\"12\">{Escape(asOf)}</text>");
        svg.Append("</g></svg>");
        return svg.ToString();
    }

    private static void Ring(StringBuilder svg, ScoreCardData card)
    {
        const double cx = 132, cy = 178, r = 64;
        var circumference = 2 * Math.PI * r;
        svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"none\" stroke=\"{Track}\" stroke-width=\"12\"/>");
        if (card.Score is { } score)
        {
            var filled = circumference * Math.Clamp(score, 0, 100) / 100.0;
            svg.Append(CultureInfo.InvariantCulture,
                $"<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"none\" stroke=\"url(#ring)\" stroke-width=\"12\" stroke-linecap=\"round\" stroke-dasharray=\"{filled:F1} {circumference:F1}\" transform=\"rotate(-90 {cx} {cy})\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{cx}\" y=\"{cy + 16}\" text-anchor=\"middle\" fill=\"#f8fafc\" font-size=\"50\" font-weight=\"800\">{score}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{cx}\" y=\"{cy + 38}\" text-anchor=\"middle\" fill=\"{Muted}\" font-size=\"12\">out of 100</text>");
        }
        else
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{cx}\" y=\"{cy + 14}\" text-anchor=\"middle\" fill=\"{Muted}\" font-size=\"44\" font-weight=\"700\">–</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{cx}\" y=\"{cy + 38}\" text-anchor=\"middle\" fill=\"{Muted}\" font-size=\"12\">not scored</text>");
        }

        if (card.WeekDelta is { } delta)
        {
            var (text, color) = delta switch
            {
                > 0 => ($"▲ {delta} this week", "#4ade80"),
                < 0 => ($"▼ {-delta} this week", "#f87171"),
                _ => ("no change this week", Muted),
            };
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{cx}\" y=\"{cy + r + 34}\" text-anchor=\"middle\" fill=\"{color}\" font-size=\"13\" font-weight=\"600\">{text}</text>");
        }
    }

    /// <summary>What a card says for a component nothing was measured for (never a bar at 0).</summary>
    public const string NotMeasured = "not measured";

    private static void Bar(StringBuilder svg, int index, string label, double? value, string color)
    {
        const double x = 268, width = 336;
        var y = 104 + (index * 38);
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{y}\" fill=\"#e2e8f0\" font-size=\"13\" font-weight=\"600\">{label}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y + 8}\" width=\"{width}\" height=\"8\" rx=\"4\" fill=\"{Track}\"/>");
        if (value is not { } measured)
        {
            // Absent, not zero: an empty track and the words, in the muted colour.
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + width}\" y=\"{y}\" text-anchor=\"end\" fill=\"{Muted}\" font-size=\"13\" font-style=\"italic\">{NotMeasured}</text>");
            return;
        }

        var filled = Math.Max(6, width * Math.Clamp(measured, 0, 100) / 100.0);
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + width}\" y=\"{y}\" text-anchor=\"end\" fill=\"#e2e8f0\" font-size=\"13\" font-weight=\"700\">{Math.Round(measured):F0}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y + 8}\" width=\"{filled:F1}\" height=\"8\" rx=\"4\" fill=\"{color}\"/>");
    }

    private static void Sparkline(StringBuilder svg, IReadOnlyList<int?> days)
    {
        const double x0 = 268, x1 = 604, top = 232, bottom = 276;
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0}\" y=\"{top - 12}\" fill=\"{Muted}\" font-size=\"11\" font-weight=\"600\" letter-spacing=\"1.2\">LAST 90 DAYS</text>");
        var values = days.Where(v => v is not null).Select(v => v!.Value).ToList();
        if (values.Count < 2)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{bottom}\" x2=\"{x1}\" y2=\"{bottom}\" stroke=\"{Track}\" stroke-width=\"2\" stroke-dasharray=\"4 4\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x1}\" y=\"{top - 12}\" text-anchor=\"end\" fill=\"{Muted}\" font-size=\"11\">history builds up night by night</text>");
            return;
        }

        double low = values.Min(), high = values.Max();
        if (high - low < 10)
        {
            var mid = (high + low) / 2;
            (low, high) = (Math.Max(0, mid - 5), Math.Min(100, mid + 5));
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x1}\" y=\"{top - 12}\" text-anchor=\"end\" fill=\"{Muted}\" font-size=\"11\">low {values.Min()} · high {values.Max()}</text>");
        double X(int i) => x0 + ((x1 - x0) * i / Math.Max(1, days.Count - 1));
        double Y(int v) => bottom - ((bottom - top) * (v - low) / Math.Max(1, high - low));

        // One path per run of days with a score: a gap in the history is a gap in the line.
        var line = new StringBuilder();
        var area = new StringBuilder();
        var runStart = -1;
        for (var i = 0; i <= days.Count; i++)
        {
            var has = i < days.Count && days[i] is not null;
            if (has && runStart < 0)
            {
                runStart = i;
                line.Append(CultureInfo.InvariantCulture, $"M{X(i):F1} {Y(days[i]!.Value):F1}");
                area.Append(CultureInfo.InvariantCulture, $"M{X(i):F1} {bottom:F1}L{X(i):F1} {Y(days[i]!.Value):F1}");
            }
            else if (has)
            {
                line.Append(CultureInfo.InvariantCulture, $"L{X(i):F1} {Y(days[i]!.Value):F1}");
                area.Append(CultureInfo.InvariantCulture, $"L{X(i):F1} {Y(days[i]!.Value):F1}");
            }
            else if (runStart >= 0)
            {
                area.Append(CultureInfo.InvariantCulture, $"L{X(i - 1):F1} {bottom:F1}Z");
                runStart = -1;
            }
        }

        svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{area}\" fill=\"url(#area)\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{line}\" fill=\"none\" stroke=\"#38bdf8\" stroke-width=\"2.2\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>");
        var last = days.Count - 1;
        while (last > 0 && days[last] is null)
        {
            last--;
        }

        if (days[last] is { } end)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(last):F1}\" cy=\"{Y(end):F1}\" r=\"3.5\" fill=\"#f8fafc\" stroke=\"#38bdf8\" stroke-width=\"2\"/>");
        }
    }

    private static void Topics(StringBuilder svg, IReadOnlyList<TopicBadge> topics)
    {
        const double y = 306, x0 = 36, xMax = Width - 36;
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{y - 12}\" x2=\"{xMax}\" y2=\"{y - 12}\" stroke=\"#ffffff\" stroke-opacity=\"0.08\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0}\" y=\"{y + 22}\" fill=\"{Muted}\" font-size=\"11\" font-weight=\"600\" letter-spacing=\"1.2\">KNOWN FOR</text>");
        if (topics.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + 96}\" y=\"{y + 22}\" fill=\"#64748b\" font-size=\"13\" font-style=\"italic\">topics appear here once they are known</text>");
            return;
        }

        var x = x0 + 96;
        foreach (var topic in topics)
        {
            var text = Truncate(topic.Topic, 24);
            var width = 26 + (text.Length * 7.0);
            if (x + width > xMax)
            {
                break;
            }

            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:F1}\" y=\"{y + 5}\" width=\"{width:F1}\" height=\"26\" rx=\"13\" fill=\"#38bdf8\" fill-opacity=\"0.14\" stroke=\"#38bdf8\" stroke-opacity=\"0.45\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (width / 2):F1}\" y=\"{y + 22}\" text-anchor=\"middle\" fill=\"#e0f2fe\" font-size=\"13\" font-weight=\"600\">{Escape(text)}</text>");
            x += width + 10;
        }
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>XML-escapes text, dropping what XML 1.0 cannot hold (control characters, lone surrogates).</summary>
    private static string Escape(string text)
    {
        var kept = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                kept.Append(c).Append(text[++i]);
            }
            else if (!char.IsSurrogate(c) && (c >= 0x20 || c is '\t' or '\n' or '\r') && c is not '\uFFFE' and not '\uFFFF')
            {
                kept.Append(c);
            }
        }

        return SecurityElement.Escape(kept.ToString());
    }
}
