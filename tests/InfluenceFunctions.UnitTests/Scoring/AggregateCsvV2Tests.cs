using System.Diagnostics;
using System.Globalization;
using System.Text;
using InfluenceFunctions.Scoring;
using static InfluenceFunctions.UnitTests.Scoring.ScoringTestData;

namespace InfluenceFunctions.UnitTests.Scoring;

/// <summary>The offline CSV's v2 columns, its per-network rows, its honest scale and its bad input (issue 12).</summary>
public class AggregateCsvV2Tests
{
    [Fact]
    public void ShouldReadNetworksViewsSavesAndSubscribersIntoOneUserPerId()
    {
        const string csv = "user_id,network,subscribers,followers,views_received,saves_received,posts,reactions_received,listed,notes\n" +
            "ana,youtube,50000,,900000,,30,20000,,hi\n" +
            "ana,tiktok,,12000,400000,3000,60,30000,,\n" +
            "bo,twitter,,800,,,90,900,12,\n";
        var input = AggregateCsv.ReadUsers(new StringReader(csv));

        Assert.Equal(["notes"], input.IgnoredColumns);
        Assert.Equal(["ana", "bo"], input.Users.Select(u => u.UserId));
        var ana = input.Users[0];
        Assert.Equal(["youtube", "tiktok"], ana.Networks.Select(n => n.Network));
        Assert.Equal(50_000, ana.Networks[0].Followers); // subscribers are YouTube's followers
        Assert.Equal(900_000, ana.Networks[0].ViewsReceived);
        Assert.True(double.IsNaN(ana.Networks[0].SavesReceived)); // empty: unknown

        var windows = ana.ToInput(AsOf).Networks;
        Assert.Equal(900_000f / 90, windows[0][ScoringWindow.Days - 1, SignalKind.Views], 1);
        Assert.True(float.IsNaN(windows[0][0, SignalKind.Saves]));
        Assert.Equal(3_000f / 90, windows[1][10, SignalKind.Saves], 3);

        var result = V2TestData.Score(ana.ToInput(AsOf), V2TestData.Reference);
        Assert.Contains("youtube.views_per_day", result.Drivers.Keys);
        Assert.Contains("tiktok.saves_per_day", result.Drivers.Keys);
        Assert.Equal(ScoreStatus.Scored, result.Status);
    }

    [Theory]
    [InlineData("user_id,posts,reshares_received\nalice,3,4\nbob,2,lots\n", 3, "reshares_received", "'lots' is not a number")]
    [InlineData("user_id,posts,reshares_received\nalice,3,-4\n", 2, "reshares_received", "'-4' is negative")]
    [InlineData("user_id,posts,views_received\nalice,3,NaN\n", 2, "views_received", "'NaN' is not a number")]
    [InlineData("user_id,network,listed\nalice,tiktok,40\n", 2, "listed", "tiktok has no list memberships")]
    [InlineData("user_id,network,reshares_received\nalice,instagram,4\n", 2, "reshares_received", "instagram has no reshares")]
    [InlineData("user_id,network,posts\nalice,twiter,4\n", 2, "network", "unknown network 'twiter'")]
    [InlineData("user_id,network,followers,subscribers\nalice,youtube,4,5\n", 2, "subscribers", "followers and subscribers are the same audience")]
    [InlineData("user_id,network,posts\nalice,youtube,4\nalice,youtube,5\n", 3, "user_id", "user 'alice' appears twice on youtube")]
    [InlineData("user_id,posts\nalice,4\nalice,5\n", 3, "user_id", "user 'alice' appears twice")]
    public void ShouldNameTheRowAndColumnOfBadInput(string csv, int line, string column, string problem)
    {
        var error = Assert.Throws<AggregateCsvException>(() => AggregateCsv.ReadUsers(new StringReader(csv)));
        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"line {line}, column {column}: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public void ShouldPutAFileOfEnoughUsersOnItsOwnHonestScale(string version)
    {
        // Real populations are far smaller than the synthetic one the defaults come from (issue 12: a median of 6).
        // Fitted to the file itself, the file's users land on the target shape: median 20, mean about 25.
        var users = AggregateCsv.ReadUsers(new StringReader(SmallAccounts(800, seed: 4))).Users;
        var model = ScoreModels.Default.Get(version);
        var calibration = AggregateCsv.FitCalibration(users, model, AsOf);
        var scores = users.Select(u => model.Score(u.ToInput(AsOf), new PopulationTable(0), calibration).Score).OfType<int>().Order().ToList();

        Assert.InRange(scores[scores.Count / 2], 17, 23);
        Assert.InRange(scores.Average(), 21, 29);
        if (version == "v1")
        {
            // v1's default scale comes from a synthetic population of larger accounts: these would sit far below the middle.
            var defaults = users.Select(u => model.Score(u.ToInput(AsOf), new PopulationTable(0), model.DefaultCalibration).Score).OfType<int>().Order().ToList();
            Assert.True(defaults[defaults.Count / 2] < scores[scores.Count / 2] - 5, $"the default scale puts these small accounts at a median of {defaults[defaults.Count / 2]}");
        }
    }

    [Fact]
    public void ShouldWriteNothingAndSayWhyOnBadInput()
    {
        using var folder = new TemporaryFolder();
        var input = folder.Write("in.csv", "user_id,posts,reshares_received,bio\nalice,3,4,x\nbob,2,-1,y\n");
        var output = Path.Combine(folder.Path, "out.csv");

        var (exit, stderr) = Influence("score-csv", "--input", input, "--output", output);

        Assert.Equal(1, exit);
        Assert.Contains("line 3, column reshares_received: '-1' is negative", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
    }

    [Fact]
    public void ShouldFitItsOwnScaleFrom500UsersListIgnoredColumnsOnceAndReuseASavedScale()
    {
        using var folder = new TemporaryFolder();
        var many = folder.Write("many.csv", SmallAccounts(600, seed: 9, extraColumns: true));
        var few = folder.Write("few.csv", SmallAccounts(100, seed: 10));
        var saved = Path.Combine(folder.Path, "scale.txt");

        var (exit, stderr) = Influence("score-csv", "--model", "v2", "--input", many, "--output", Path.Combine(folder.Path, "many-out.csv"), "--save-calibration", saved);
        Assert.Equal(0, exit);
        Assert.Contains("scale fitted to the 600 users of this file (model v2)", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n'), l => l.Contains("ignored columns", StringComparison.Ordinal));
        Assert.Contains("ignored columns the model does not read: bio, favourite_colour", stderr, StringComparison.Ordinal);
        var scores = File.ReadAllLines(Path.Combine(folder.Path, "many-out.csv")).Skip(1).Select(l => l.Split(',')[1]).Where(s => s.Length > 0).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Order().ToList();
        Assert.InRange(scores[scores.Count / 2], 17, 23);

        (exit, stderr) = Influence("score-csv", "--model", "v2", "--input", few, "--output", Path.Combine(folder.Path, "few-out.csv"));
        Assert.Equal(0, exit);
        Assert.Contains("only 100 users (fewer than 500): scores use model v2's default scale", stderr, StringComparison.Ordinal);

        (exit, stderr) = Influence("score-csv", "--model", "v2", "--input", few, "--output", Path.Combine(folder.Path, "few-saved.csv"), "--calibration", saved);
        Assert.Equal(0, exit);
        Assert.Contains($"scale from {saved} (model v2", stderr, StringComparison.Ordinal);

        (exit, stderr) = Influence("score-csv", "--model", "v1", "--input", few, "--output", Path.Combine(folder.Path, "v1.csv"), "--calibration", saved);
        Assert.Equal(1, exit);
        Assert.Contains("is for model v2; scoring with model v1", stderr, StringComparison.Ordinal);
    }

    /// <summary>Small accounts like the public ones of issue 12: a few hundred followers, a few engagements a day.</summary>
    private static string SmallAccounts(int users, int seed, bool extraColumns = false)
    {
        var random = new Random(seed);
        var csv = new StringBuilder(extraColumns ? "user_id,bio,followers,posts,reactions_received,replies_received,mentions_received,reshares_received,favourite_colour\n" : "user_id,followers,posts,reactions_received,replies_received,mentions_received,reshares_received\n");
        for (var i = 0; i < users; i++)
        {
            var size = Math.Exp(random.NextDouble() * 3);
            var row = string.Create(CultureInfo.InvariantCulture, $"{Math.Round(100 * size * Math.Exp(random.NextDouble()))},{Math.Round(20 * Math.Exp(random.NextDouble()))},{Math.Round(30 * size * Math.Exp(random.NextDouble()))},{Math.Round(3 * size * random.NextDouble())},{Math.Round(2 * size * random.NextDouble())},{Math.Round(4 * size * random.NextDouble())}");
            csv.Append(CultureInfo.InvariantCulture, $"user{i},").Append(extraColumns ? "\"says, hi\"," + row + ",blue" : row).Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>Runs the influence command line (built beside the tests) and returns its exit code and standard error.</summary>
    private static (int Exit, string Stderr) Influence(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "influence.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stderr.Result);
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("score-csv-").FullName;

        public string Write(string name, string text)
        {
            var file = System.IO.Path.Combine(Path, name);
            File.WriteAllText(file, text);
            return file;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
