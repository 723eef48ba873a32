using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Evaluation;

/// <summary>
/// The three rankings issue 12 asks v2 to beat, computed from the same 90-day inputs the models see:
/// followers alone; each network's main engagement signal alone; and the unsupervised sum of ln(1 + x) over
/// followers, list memberships, mentions and reshares. For people on several networks each is summed over networks.
/// </summary>
public static class Baselines
{
    public static IReadOnlyList<string> Names { get; } = ["followers alone", "main engagement alone", "log-sum (followers, lists, mentions, reshares)"];

    /// <summary>The three baseline values of one input, in <see cref="Names"/> order.</summary>
    public static double[] Of(ScoringInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        double followers = 0, main = 0, logSum = 0;
        foreach (var window in input.Networks)
        {
            var vocabulary = NetworkVocabulary.For(window.Network);
            var audience = Latest(window, SignalKind.AudienceSize);
            followers += audience;
            main += Total(window, vocabulary.MainEngagement);
            logSum += Math.Log(1 + audience) + Math.Log(1 + Latest(window, SignalKind.ListMemberships))
                + Math.Log(1 + Total(window, SignalKind.MentionsReceived)) + Math.Log(1 + Total(window, SignalKind.Reshares));
        }

        return [followers, main, logSum];
    }

    /// <summary>The 90-day total of a flow (unknown days and absent signals count nothing).</summary>
    private static double Total(NetworkWindow window, SignalKind signal)
    {
        double total = 0;
        for (var d = 0; d < ScoringWindow.Days; d++)
        {
            var value = window[d, signal];
            total += float.IsNaN(value) ? 0 : value;
        }

        return total;
    }

    /// <summary>The latest known level (0 when never reported).</summary>
    private static double Latest(NetworkWindow window, SignalKind signal)
    {
        for (var d = ScoringWindow.Days - 1; d >= 0; d--)
        {
            var value = window[d, signal];
            if (!float.IsNaN(value))
            {
                return value;
            }
        }

        return 0;
    }
}
