using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.InfraTests;

/// <summary>azure.yaml, infra/main.parameters.json (azd) and the per-environment .bicepparam files.</summary>
public sealed partial class DeploymentFilesTests
{
    private static CompiledTemplate Template => CompiledTemplate.MainTemplate;

    private static string RepositoryRoot => Path.GetFullPath(Path.Combine(CompiledTemplate.InfraDirectory, ".."));

    private static JsonObject AzdParameters() =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(CompiledTemplate.InfraDirectory, "main.parameters.json")))!["parameters"]!;

    [Fact]
    public void ShouldPointAzdAtTheFunctionsProject()
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryRoot, "azure.yaml"));
        var project = ProjectLine().Match(yaml);
        Assert.True(project.Success, "azure.yaml names no service project");
        Assert.True(File.Exists(Path.Combine(RepositoryRoot, project.Groups[1].Value, "InfluenceFunctions.Functions.csproj")));
        Assert.Matches(@"(?m)^\s+host:\s*function\s*$", yaml);
        Assert.Matches(@"(?m)^\s+language:\s*dotnet\s*$", yaml);
        // The service name is the tag azd looks the app up by.
        var service = ServiceName().Match(yaml);
        Assert.True(service.Success);
        var functionApp = Template.Templates().Single(t => (string?)t.Deployment?["name"] == "functionapp").Deployment!;
        Assert.Equal(service.Groups[1].Value, (string?)functionApp["properties"]?["parameters"]?["serviceName"]?["value"]);
    }

    [Fact]
    public void ShouldGiveAzdOnlyParametersTheTemplateDeclaresAndEveryRequiredOne()
    {
        var declared = (JsonObject)Template.Root["parameters"]!;
        var given = AzdParameters();
        var unknown = given.Select(p => p.Key).Where(name => declared[name] is null).ToList();
        Assert.True(unknown.Count == 0, $"main.parameters.json sets parameters main.bicep does not declare: {string.Join(", ", unknown)}");
        var missing = declared.Where(p => p.Value?["defaultValue"] is null).Select(p => p.Key).Where(name => given[name] is null).ToList();
        Assert.True(missing.Count == 0, $"main.parameters.json leaves required parameters unset: {string.Join(", ", missing)}");
    }

    [Fact]
    public void ShouldHaveAzdReadSecretsBackFromTheVaultNotFromTheFile()
    {
        var given = AzdParameters();
        foreach (var parameter in new[] { "apiKeyPepper", "webhookSecretMasterKey" })
        {
            var value = (string?)given[parameter]?["value"] ?? "";
            Assert.Matches(@"^\$\(secretOrRandomPassword \$\{AZURE_KEY_VAULT_NAME\} [a-z0-9-]+\)$", value);
        }
    }

    [Fact]
    public void ShouldKeepSecretsOutOfThePerEnvironmentFiles()
    {
        var files = Directory.GetFiles(Path.Combine(CompiledTemplate.InfraDirectory, "env"), "*.bicepparam");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (var parameter in new[] { "apiKeyPepper", "webhookSecretMasterKey" })
            {
                Assert.Matches($@"(?m)^param {parameter} = readEnvironmentVariable\('[A-Z_]+', ''\)\s*$", text);
            }

            Assert.Matches(@"(?m)^using '\.\./main\.bicep'", text);
        }
    }

    [Fact]
    public void ShouldBuildEveryPerEnvironmentFileAgainstTheTemplate()
    {
        var files = Directory.GetFiles(Path.Combine(CompiledTemplate.InfraDirectory, "env"), "*.bicepparam");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var (exitCode, _, stderr) = CompiledTemplate.RunBicep("build-params", file, "--stdout");
            Assert.True(exitCode == 0 && string.IsNullOrWhiteSpace(stderr), $"bicep build-params {Path.GetFileName(file)}:\n{stderr}");
        }
    }

    [GeneratedRegex(@"(?m)^\s+project:\s*\.?/?(\S+?)/?\s*$")]
    private static partial Regex ProjectLine();

    [GeneratedRegex(@"(?m)^services:\s*\n\s+([A-Za-z0-9-]+):")]
    private static partial Regex ServiceName();
}
