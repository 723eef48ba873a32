using System.Text.Json;
using System.Text.RegularExpressions;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.UnitTests.Core;

/// <summary>
/// The signal docs stay true to the code: the example ingestion bodies are accepted, the vocabulary tables are the
/// vocabulary, and the offline CSV's columns are all named.
/// </summary>
public sealed partial class SignalDocsTests
{
    private static readonly DateOnly Today = new(2026, 11, 28);

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/ingestion.md")]
    public void ShouldAcceptTheIngestionBodyTheDocsShow(string document)
    {
        var bodies = JsonBlocks().Matches(Read(document)).Select(m => m.Groups["json"].Value).Where(j => j.Contains("\"signals\"", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(bodies);
        var options = JsonBodies.Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        foreach (var body in bodies)
        {
            var batch = JsonSerializer.Deserialize<IngestionBatch>(body, options);
            Assert.Empty(IngestionValidator.Validate(batch, Today));
        }
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/ingestion.md")]
    public void ShouldListWhatEveryNetworkExposesAsItsVocabularySays(string document)
    {
        var rows = TableRows().Matches(Read(document))
            .Select(m => m.Groups["cells"].Value.Split('|').Select(c => c.Trim()).ToArray())
            .Where(cells => Networks.IsKnown(cells[0]))
            .ToDictionary(cells => cells[0]);

        Assert.Equal(Networks.All.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach (var network in Networks.All)
        {
            var vocabulary = NetworkVocabulary.For(network);
            var cells = rows[network];
            Assert.Equal(vocabulary.AudienceName, cells[1]);
            SignalKind[] columns = [SignalKind.Reshares, SignalKind.MentionsReceived, SignalKind.ListMemberships, SignalKind.Views, SignalKind.Saves];
            for (var c = 0; c < columns.Length; c++)
            {
                Assert.True(vocabulary.Exposes(columns[c]) == cells[c + 2].StartsWith("yes", StringComparison.Ordinal), $"{network}: {columns[c]} says '{cells[c + 2]}'");
            }

            if (document.StartsWith("docs/", StringComparison.Ordinal))
            {
                Assert.Equal(vocabulary.IsVideo, cells[5].Contains("main signal", StringComparison.Ordinal));
            }
        }
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/score-model.md")]
    public void ShouldNameEveryColumnTheOfflineCsvReads(string document)
    {
        var text = Read(document);
        foreach (var column in AggregateCsv.NumericColumns.Append(AggregateCsv.UserIdColumn).Append(AggregateCsv.NetworkColumn))
        {
            Assert.Contains($"`{column}`", text, StringComparison.Ordinal);
        }

        Assert.Contains($"`{AggregateCsv.OutputHeader}`", text, StringComparison.Ordinal);
    }

    private static string Read(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "InfluenceFunctions.sln")))
            {
                return File.ReadAllText(Path.Combine(dir.FullName, relativePath));
            }
        }

        throw new FileNotFoundException(relativePath);
    }

    [GeneratedRegex(@"```json\s*\n(?<json>.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlocks();

    [GeneratedRegex(@"^\|(?<cells>.*)\|\s*$", RegexOptions.Multiline)]
    private static partial Regex TableRows();
}
