namespace InfluenceFunctions.Cli;

internal static class ScoreCsvCommand
{
    public static Task<int> RunAsync(string[] args)
    {
        _ = args;
        Console.Error.WriteLine("score-csv: not built yet");
        return Task.FromResult(1);
    }
}
