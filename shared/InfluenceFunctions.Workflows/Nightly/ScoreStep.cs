using System.Globalization;
using Azure.Data.Tables;
using InfluenceFunctions.Domain.People;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.People;
using InfluenceFunctions.Storage.Runs;
using InfluenceFunctions.Workflows.Runs;
using Microsoft.Extensions.Options;

namespace InfluenceFunctions.Workflows.Nightly;

/// <summary>
/// The first step of a shard's pass: scores every user of the shard with the live model (and the shadow one, if any).
/// Storage spend per shard: one partition query of signals, one of scores (pages of 1,000), the shared population and
/// calibration (once per process), score rows written in 100-entity transactions, and one population row. With a shadow
/// model: the same again for its own table, and nothing of it reaches the live scores; the live-against-shadow diff of
/// the shard goes into its <see cref="ShardSummary"/> (bounded), so the completion reads no score row back. Idempotent: the same night re-run
/// writes the same rows.
/// </summary>
public sealed class ScoreStep(
    InfluenceTables tables,
    NightlyInputsCache inputs,
    ScoreModels models,
    IOptions<InfluenceOptions> options) : IShardStep
{
    /// <summary>Nights a user must have been scored before their engagement counts at full weight.</summary>
    public const int EstablishedNights = ScoreModelV1.EstablishedNights;

    public async Task RunAsync(ShardPassContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.Input;
        var shardKey = context.ShardKey;
        var population = await inputs.PopulationAsync(input.Day.AddDays(-1), cancellationToken);
        var live = await ModelRunAsync(models.Get(input.ModelVersion), tables.Scores, shardKey, input.Day, cancellationToken);
        var shadow = input.ShadowModelVersion is { Length: > 0 } version
            ? await ModelRunAsync(models.Get(version), tables.ShadowScores, shardKey, input.Day, cancellationToken)
            : null;

        var diff = shadow is null ? null : new ShadowDiffBuilder(); // Live against shadow, for the night's report.
        var scoredUsers = new List<(ulong Key, PopulationEntry Entry)>();
        var withdrawn = new List<string>();
        int scored = 0, unscored = 0, skipped = 0;
        await foreach (var signals in tables.Signals.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {shardKey}"), maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            if (!AccountRows.Quick(signals).Eligible)
            {
                // Opted in but no network connected (any more): not scored, not listed, not looked up, until they connect one.
                live.Withdraw(signals.RowKey, input.RunId);
                shadow?.Withdraw(signals.RowKey, input.RunId);
                withdrawn.Add(signals.RowKey);
                continue;
            }

            // Connected but no signals yet: the model answers "unscored" with its reason (never 0).
            var userInput = SignalRows.ToScoringInput(signals, input.Day, null);
            var result = live.Score(userInput, population, input.RunId, signals);
            var shadowResult = shadow?.Score(userInput, population, input.RunId, signals);
            if (result is not null && shadowResult is not null)
            {
                diff?.Add(signals.RowKey, result, shadowResult);
            }

            switch (result)
            {
                case null:
                    skipped++; // A newer night already scored this user; an old night re-run must not overwrite it.
                    break;
                case { Score: { } score }:
                    scored++;
                    var flags = result.NightsScored < EstablishedNights ? PopulationFlags.New : PopulationFlags.None;
                    scoredUsers.Add((userInput.UserKey, new PopulationEntry((byte)score, flags)));
                    break;
                default:
                    unscored++;
                    break;
            }
        }

        await live.WriteAsync(cancellationToken);
        if (shadow is not null)
        {
            await shadow.WriteAsync(cancellationToken);
        }

        await tables.Population.UpsertEntityAsync(PopulationSnapshot.ShardRow(input.Day, shardKey, scoredUsers), TableUpdateMode.Replace, cancellationToken);
        var liveScaleRows = await live.HandOverScalesAsync(cancellationToken);
        var shadowScaleRows = shadow is null ? 0 : await shadow.HandOverScalesAsync(cancellationToken);
        var sampleSize = options.Value.CalibrationSamplePerShard;
        var summary = new ShardSummary(live.Sample(sampleSize), shadow?.Sample(sampleSize) ?? [], diff?.Summary(), liveScaleRows, shadowScaleRows);
        context.Scores = new ShardScores(live.Scored, withdrawn, scored, unscored, skipped, summary);
    }

    private async Task<ModelRun> ModelRunAsync(IScoreModel model, TableClient table, string shardKey, DateOnly day, CancellationToken cancellationToken)
    {
        var calibration = await inputs.CalibrationAsync(model, day, cancellationToken);
        var rows = new Dictionary<string, ScoreEntity>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<ScoreEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {shardKey}"), maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            rows[row.RowKey] = row;
        }

        // Model v2 refits its network scales each night from what every shard saw; a shard's summary goes into a row.
        var scales = model is ScoreModelV2 ? ScaleSummaryRows.ForShard(options.Value.ShardCount) : null;
        return new ModelRun(model, calibration, table, shardKey, day, rows, scales, tables.ScaleSummaries);
    }

    /// <summary>
    /// One model's pass over a shard: its own calibration, its own stored yesterday, its own table, and for model v2
    /// the <see cref="ScaleSummary"/> of the users it scored.
    /// </summary>
    private sealed class ModelRun(
        IScoreModel model, Calibration calibration, TableClient table, string shardKey, DateOnly day, Dictionary<string, ScoreEntity> rows, ScaleSummary? scales, TableClient scaleSummaries)
    {
        private readonly string dayText = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        private readonly List<ScoreEntity> toWrite = [];
        private readonly List<(ulong Key, double Raw)> samples = [];

        /// <summary>Every user this run scored, with their previous score (for the steps after this one).</summary>
        public List<UserScored> Scored { get; } = [];

        /// <summary>Scores a user; null when a newer night already holds their row.</summary>
        public ScoreResult? Score(ScoringInput userInput, IPopulationScores population, string runId, TableEntity accountRow)
        {
            rows.TryGetValue(userInput.UserId, out var row);
            if (row is not null && string.CompareOrdinal(row.Day, dayText) > 0)
            {
                return null;
            }

            row ??= new ScoreEntity(shardKey, userInput.UserId);
            var yesterday = ScoreRows.YesterdayFor(row, day);
            var scoring = userInput with { Yesterday = yesterday };
            var scoredResult = scales is not null && model is ScoreModelV2 v2
                ? v2.Score(scoring, population, calibration, scales)
                : model.Score(scoring, population, calibration);
            var result = ConnectionMoves.Describe(scoredResult, () => AccountRows.Read(accountRow));
            Scored.Add(new UserScored(userInput.UserId, yesterday?.Score, yesterday?.Day, result.Score));
            ScoreRows.Apply(row, day, runId, result);
            toWrite.Add(row);
            if (result.Score is not null)
            {
                samples.Add((userInput.UserKey, result.RawIndex));
            }

            return result;
        }

        /// <summary>Marks the stored result withdrawn (once): the person has no connected network, so nothing is served.</summary>
        public void Withdraw(string userId, string runId)
        {
            if (rows.TryGetValue(userId, out var row) && string.CompareOrdinal(row.Day, dayText) <= 0 && !(row.Day == dayText && ScoreRows.IsWithdrawn(row)))
            {
                ScoreRows.Withdraw(row, day, runId);
                toWrite.Add(row);
            }
        }

        public Task WriteAsync(CancellationToken cancellationToken) => TableBatches.UpsertAsync(table, toWrite, TableUpdateMode.Replace, cancellationToken);

        /// <summary>Writes the shard's scale summary row (model v2; replaced on a re-run): 1 when written, 0 for a model without scales.</summary>
        public async Task<int> HandOverScalesAsync(CancellationToken cancellationToken)
        {
            if (scales is null)
            {
                return 0;
            }

            await scaleSummaries.UpsertEntityAsync(ScaleSummaryRows.ToEntity(model.Version, day, shardKey, scales), TableUpdateMode.Replace, cancellationToken);
            return 1;
        }

        /// <summary>The raw-index sample of a model whose calibration refits from it (v1); model v2 refits from its scale summary.</summary>

        /// <remarks>A deterministic sample: the users with the smallest keys, so a re-run samples the same people.</remarks>
        public double[] Sample(int size) => scales is not null ? [] : samples.OrderBy(s => s.Key).Take(size).Select(s => s.Raw).ToArray();
    }
}
