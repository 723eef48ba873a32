using System.Diagnostics;
using System.Text;
using InfluenceFunctions.Api;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Cli;

/// <summary>
/// score-csv: scores per-user 90-day aggregates from a CSV with the live model, no storage involved. Columns are
/// described in docs/score-model.md. Output is written to a temporary file and moved into place only when every
/// row was read, so bad input leaves nothing behind.
/// </summary>
internal static class ScoreCsvCommand
{
    private const string Usage = "usage: influence score-csv --input FILE|- --output FILE|- [--calibration FILE]";

    public static async Task<int> RunAsync(string[] args)
    {
        string? input = null, output = null, calibrationFile = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--input": input = args[i + 1]; break;
                case "--output": output = args[i + 1]; break;
                case "--calibration": calibrationFile = args[i + 1]; break;
                default:
                    await Console.Error.WriteLineAsync(Usage);
                    return 2;
            }
        }

        if (input is null || output is null || args.Length % 2 != 0)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        if (input != "-" && !File.Exists(input))
        {
            await Console.Error.WriteLineAsync($"score-csv: no file {input}");
            return 1;
        }

        var model = ScoreModels.Default.Get(new InfluenceOptions().LiveModelVersion); // The same setting default the nightly run uses.
        var calibration = model.DefaultCalibration;
        if (calibrationFile is not null)
        {
            try
            {
                calibration = Calibration.Parse((await File.ReadAllTextAsync(calibrationFile)).Trim());
            }
            catch (Exception e) when (e is IOException or FormatException or ArgumentException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"score-csv: {calibrationFile}: not a calibration ({e.Message})");
                return 1;
            }

            if (calibration.ModelVersion != model.Version)
            {
                await Console.Error.WriteLineAsync($"score-csv: {calibrationFile} is for model {calibration.ModelVersion}; the live model is {model.Version}");
                return 1;
            }
        }

        var temporary = output == "-"
            ? Path.GetTempFileName()
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, $".{Path.GetFileName(output)}.{Environment.ProcessId}.tmp");
        var clock = Stopwatch.StartNew();
        int users;
        try
        {
            using var reader = input == "-" ? Console.In : File.OpenText(input);
            await using var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            users = AggregateCsv.Score(reader, writer, model, calibration, DateOnly.FromDateTime(DateTime.UtcNow));
        }
        catch (AggregateCsvException e)
        {
            File.Delete(temporary);
            await Console.Error.WriteLineAsync($"score-csv: {(input == "-" ? "stdin" : input)}: {e.Message}");
            return 1;
        }
        catch (IOException e)
        {
            File.Delete(temporary);
            await Console.Error.WriteLineAsync($"score-csv: {e.Message}");
            return 1;
        }

        if (output == "-")
        {
            await using (var scored = File.OpenRead(temporary))
            await using (var stdout = Console.OpenStandardOutput())
            {
                await scored.CopyToAsync(stdout);
            }

            File.Delete(temporary);
        }
        else
        {
            File.Move(temporary, output, overwrite: true);
        }

        await Console.Error.WriteLineAsync($"score-csv: {users} users scored with model {model.Version} in {clock.Elapsed.TotalSeconds:0.00} s");
        return 0;
    }
}
