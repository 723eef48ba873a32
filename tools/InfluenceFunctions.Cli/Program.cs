using InfluenceFunctions.Cli;

// One entry point, one class per command. Exit codes: 0 ok, 1 failure, 2 usage.
var commands = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["score-csv"] = ScoreCsvCommand.RunAsync,
    ["eval"] = EvalCommand.RunAsync,
    ["bench-nightly"] = BenchNightlyCommand.RunAsync,
    ["import"] = ImportCommand.RunAsync,
    ["card-sample"] = CardSampleCommand.RunAsync,
    ["bench-lookups"] = BenchLookupsCommand.RunAsync,
    ["bench-webhooks"] = BenchWebhooksCommand.RunAsync,
    ["sizing"] = SizingModel.RunAsync,
};

if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    await Console.Error.WriteLineAsync("usage: influence <command> [options]\ncommands: " + string.Join(", ", commands.Keys));
    return 2;
}

return await command(args[1..]);
