using System.Globalization;
using System.Text.RegularExpressions;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Api.Profile;

/// <summary>
/// What the profile page says in words: network names as people know them, "what moved" as sentences (never a driver
/// id such as youtube.engagers_per_day), and what an unscored person can do about it.
/// </summary>
public static partial class PlainWords
{
    private static readonly Dictionary<string, string> NetworkNames = new(StringComparer.Ordinal)
    {
        ["twitter"] = "X (Twitter)",
        ["facebook"] = "Facebook",
        ["facebookpage"] = "your Facebook page",
        ["instagram"] = "Instagram",
        ["linkedin"] = "LinkedIn",
        ["youtube"] = "YouTube",
        ["tiktok"] = "TikTok",
        ["reddit"] = "Reddit",
        ["mastodon"] = "Mastodon",
        ["bluesky"] = "Bluesky",
        ["threads"] = "Threads",
    };

    /// <summary>The name of a stored network ("facebookpage" is "Facebook page"), or the id itself for one not known here.</summary>
    public static string NetworkName(string network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network == "facebookpage" ? "Facebook page" : NetworkNames.GetValueOrDefault(network, network);
    }

    /// <summary>
    /// One move as a sentence: the model's description with network names in words, and the points it made.
    /// "reactions received on twitter rose 12%" (+0.84) is "Reactions received on X (Twitter) rose 12%, adding 0.8 points."
    /// </summary>
    public static string Sentence(ScoreMove move)
    {
        ArgumentNullException.ThrowIfNull(move);
        var what = string.IsNullOrWhiteSpace(move.Description) || DriverId().IsMatch(move.Description)
            ? "One of your signals changed" // A description that is missing or names a driver id says nothing to a person.
            : NetworkWord().Replace(move.Description.Trim(), m => NetworkNames[m.Value]);
        var points = Math.Abs(move.Points).ToString("0.0", CultureInfo.InvariantCulture);
        var effect = move.Points >= 0 ? $"adding {points} {Plural(points)}" : $"taking away {points} {Plural(points)}";
        return char.ToUpperInvariant(what[0]) + what[1..] + ", " + effect + ".";
    }

    /// <summary>What a person whose score is missing can do, by the reason the model (or the service) gave.</summary>
    public static string WhatNext(string? reason, DateTimeOffset nextRun)
    {
        var when = nextRun.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        return reason switch
        {
            null => $"Scores are recalculated every night; the next run is at {when}.",
            ScoreViews.NotScoredYet => $"Your data has arrived: the next nightly recalculation ({when}) scores it.",
            _ when reason.Contains("no connected network", StringComparison.Ordinal) =>
                $"Connect a network below: you are scored from the first nightly recalculation after its data arrives (next: {when}).",
            _ when reason.StartsWith("only ", StringComparison.Ordinal) =>
                $"A score needs enough days with data in the last 90 days; keep your networks connected and the score appears once it has them (next run: {when}).",
            _ when reason.Contains("no posts", StringComparison.Ordinal) =>
                $"A score needs activity in the last 90 days: post on a connected network (next run: {when}).",
            _ => $"Scores are recalculated every night; the next run is at {when}.",
        };
    }

    /// <summary>"Your score reached 50 on the night of 2026-11-12 (48 to 51)." or "Your score fell below 50 ...".</summary>
    public static string Milestone(MilestoneCrossing crossing)
    {
        ArgumentNullException.ThrowIfNull(crossing);
        var what = crossing.Up ? $"reached {crossing.Milestone}" : $"fell below {crossing.Milestone}";
        return $"Your score {what} on the night of {crossing.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} ({crossing.PreviousScore} to {crossing.Score}).";
    }

    private static string Plural(string points) => points == "1.0" ? "point" : "points";

    /// <summary>A stored network name as a word (not inside a handle such as "@twitterfan" or a domain).</summary>
    [GeneratedRegex(@"(?<![@\w.\-])(facebookpage|twitter|facebook|instagram|linkedin|youtube|tiktok|reddit|mastodon|bluesky|threads)(?![\w.\-])", RegexOptions.CultureInvariant)]
    private static partial Regex NetworkWord();

    /// <summary>What a driver id looks like ("twitter.reactions_per_day", "network.ring_share").</summary>
    [GeneratedRegex(@"(?<![@\w.\-])[a-z]+\.[a-z_]+(?![\w.\-])", RegexOptions.CultureInvariant)]
    private static partial Regex DriverId();
}
