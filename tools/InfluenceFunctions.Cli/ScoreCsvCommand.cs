using System.Diagnostics;
using System.Globalization;
using System.Text;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Cli;

/// <summary>
/// score-csv: scores per-user 90-day aggregates from a CSV, no storage involved. Columns and the choice of scale are
/// described in docs/score-model.md ("Offline scoring from a CSV"): a stored calibration with --calibration, else one
/// fitted to the file's own users when there are at least 500 of them, else the model's default (said on stderr).
/// The whole file is read and checked before anything is written, and the output is moved into place only when every
/// user was scored, so bad input leaves nothing behind.
/// </summary>
internal static class ScoreCsvCommand
{
    private const string Usage = "usage: influence score-csv --input FILE|- --output FILE|- [--model v1|v2] [--calibration FILE] [--save-calibration FILE]";

    public static async Task<int> RunAsync(string[] args)
    {
        string? input = null, output = null, calibrationFile = null, saveCalibration = null, version = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--input": input = args[i + 1]; break;
                case "--output": output = args[i + 1]; break;
                case "--calibration": calibrationFile = args[i + 1]; break;
                case "--save-calibration": saveCalibration = args[i + 1]; break;
                case "--model": version = args[i + 1]; break;
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

        // The live version is the same setting the nightly run reads (Influence:LiveModelVersion), unless --model names one.
        if (!ScoreModels.Default.TryGet(version ?? new InfluenceOptions().LiveModelVersion, out var model))
        {
            await Console.Error.WriteLineAsync($"score-csv: no model {version}; known: {string.Join(", ", ScoreModels.Default.Versions)}");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        var asOf = DateOnly.FromDateTime(DateTime.UtcNow);
        AggregateCsvInput users;
        try
        {
            using var reader = input == "-" ? Console.In : File.OpenText(input);
            users = AggregateCsv.ReadUsers(reader);
        }
        catch (AggregateCsvException e)
        {
            await Console.Error.WriteLineAsync($"score-csv: {(input == "-" ? "stdin" : input)}: {e.Message}");
            return 1;
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"score-csv: {e.Message}");
            return 1;
        }

        if (users.IgnoredColumns.Count > 0)
        {
            await Console.Error.WriteLineAsync($"score-csv: ignored columns the model does not read: {string.Join(", ", users.IgnoredColumns)}");
        }

        Calibration calibration;
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
                await Console.Error.WriteLineAsync($"score-csv: {calibrationFile} is for model {calibration.ModelVersion}; scoring with model {model.Version} (use --model)");
                return 1;
            }

            await Console.Error.WriteLineAsync($"score-csv: scale from {calibrationFile} (model {model.Version}, {calibration.SampleNights} nights blended)");
        }
        else if (users.Users.Count >= PopulationCalibration.MinimumUsers)
        {
            calibration = AggregateCsv.FitCalibration(users.Users, model, asOf);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"score-csv: scale fitted to the {users.Users.Count:N0} users of this file (model {model.Version}): each score places a user within this population; give --calibration FILE to use a stored scale"));
        }
        else
        {
            calibration = model.DefaultCalibration;
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"score-csv: only {users.Users.Count:N0} users (fewer than {PopulationCalibration.MinimumUsers}): scores use model {model.Version}'s default scale, not fitted to any real population; compare them with each other only, or give --calibration FILE"));
        }

        if (saveCalibration is not null)
        {
            await File.WriteAllTextAsync(saveCalibration, calibration.Serialize() + "\n");
        }

        var temporary = output == "-"
            ? Path.GetTempFileName()
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, $".{Path.GetFileName(output)}.{Environment.ProcessId}.tmp");
        try
        {
            await using (var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                AggregateCsv.Score(users.Users, writer, model, calibration, asOf);
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
        }
        catch (IOException e)
        {
            File.Delete(temporary);
            await Console.Error.WriteLineAsync($"score-csv: {e.Message}");
            return 1;
        }

        await Console.Error.WriteLineAsync($"score-csv: {users.Users.Count} users scored with model {model.Version} in {clock.Elapsed.TotalSeconds:0.00} s");
        return 0;
    }
}
