using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.InfraTests;

/// <summary>The function app's settings in infra/main.bicep against what the code reads in Azure (AppSettings).</summary>
public sealed partial class AppSettingsTemplateTests
{
    private static CompiledTemplate Template => CompiledTemplate.MainTemplate;

    /// <summary>Configuration key (':' separated) as an app setting name ('__' separated).</summary>
    private static string SettingName(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);

    [Fact]
    public void ShouldCompileWithoutAnyDiagnostic()
    {
        Assert.True(string.IsNullOrWhiteSpace(Template.Diagnostics), $"bicep build reported:\n{Template.Diagnostics}");
    }

    [Fact]
    public void ShouldSetEverySettingTheAppReadsInAzure()
    {
        var (settings, _, _) = Template.AppSettings();
        var missing = AppSettings.RequiredInAzure.Concat(AppSettings.Secrets)
            .Select(SettingName)
            .Where(name => settings[name] is null)
            .ToList();
        Assert.True(missing.Count == 0, $"Not set by infra/app/functionapp.bicep: {string.Join(", ", missing)}");
    }

    [Fact]
    public void ShouldSetEverySecretAsAKeyVaultReference()
    {
        var (settings, template, deployment) = Template.AppSettings();
        Assert.NotEmpty(AppSettings.Secrets);
        foreach (var secret in AppSettings.Secrets.Select(SettingName))
        {
            var value = (string?)settings[secret];
            var match = value is null ? null : KeyVaultReference().Match(value);
            Assert.True(match is { Success: true }, $"{secret} must be @Microsoft.KeyVault(SecretUri=...), not '{value}'");

            // The secret URI comes from the Key Vault module's outputs: a secret of the vault this template creates.
            var uriParameter = match!.Groups[1].Value;
            var passed = (string?)deployment?["properties"]?["parameters"]?[uriParameter]?["value"] ?? "";
            var output = ModuleOutput().Match(passed);
            Assert.True(output.Success, $"{secret}: the secret URI should come from a module output, not '{passed}'");
            var vaultModule = Template.Templates().Single(t => (string?)t.Deployment?["name"] == output.Groups[1].Value).Template;
            Assert.Contains(CompiledTemplate.ResourcesOf(vaultModule), r => CompiledTemplate.Type(r) == "Microsoft.KeyVault/vaults");
            Assert.Contains("secrets/", (string?)vaultModule["outputs"]?[output.Groups[2].Value]?["value"] ?? "", StringComparison.Ordinal);
            Assert.Equal("string", CompiledTemplate.ParameterType(template, uriParameter));
        }
    }

    [Fact]
    public void ShouldConnectTheHostToStorageWithTheManagedIdentity()
    {
        var (settings, _, _) = Template.AppSettings();
        Assert.Null(settings["AzureWebJobsStorage"]); // a connection string would carry the account key
        Assert.Equal("managedidentity", (string?)settings["AzureWebJobsStorage__credential"]);
        Assert.Equal((string?)settings["AzureWebJobsStorage__clientId"], (string?)settings["Storage__ManagedIdentityClientId"]);
        foreach (var service in new[] { "blob", "queue", "table" })
        {
            var value = (string?)settings[$"AzureWebJobsStorage__{service}ServiceUri"] ?? "";
            Assert.EndsWith($".primaryEndpoints.{service}]", value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ShouldNotSetSettingsTheFlexConsumptionPlanRejects()
    {
        var (settings, _, _) = Template.AppSettings();
        string[] rejected =
        [
            "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE",
            "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTSHARE", "WEBSITE_NODE_DEFAULT_VERSION",
        ];
        var present = rejected.Where(name => settings[name] is not null).ToList();
        Assert.True(present.Count == 0, $"Flex Consumption rejects these app settings: {string.Join(", ", present)}");
    }

    [Fact]
    public void ShouldRunDotnetIsolatedVersion10OnFlexConsumption()
    {
        var plan = Assert.Single(Template.Resources("Microsoft.Web/serverfarms")).Resource;
        Assert.Equal("FC1", (string?)plan["sku"]?["name"]);
        var site = Assert.Single(Template.Resources("Microsoft.Web/sites")).Resource;
        var runtime = site["properties"]?["functionAppConfig"]?["runtime"];
        Assert.Equal("dotnet-isolated", (string?)runtime?["name"]);
        Assert.Equal("10.0", (string?)runtime?["version"]);
        Assert.Equal("UserAssigned", (string?)site["identity"]?["type"]);
        Assert.NotNull(site["properties"]?["keyVaultReferenceIdentity"]);
    }

    [Theory]
    [InlineData("Influence:NightlySchedule", "nightlySchedule", "0 0 2 * * *")]
    [InlineData("Influence:TaskHubName", "taskHubName", "influence")]
    public void ShouldTakeTheSettingFromATemplateParameter(string key, string parameter, string defaultValue)
    {
        var (settings, template, _) = Template.AppSettings();
        Assert.Equal(parameter, Template.TopLevelParameterOf((string?)settings[SettingName(key)], template));
        var declared = Template.Root["parameters"]?[parameter];
        Assert.Equal("string", (string?)declared?["type"]);
        Assert.Equal(defaultValue, (string?)declared?["defaultValue"]);
    }

    [Fact]
    public void ShouldTakeTheShardCountFromAnIntegerParameterDefaulting64()
    {
        var (settings, template, deployment) = Template.AppSettings();
        var value = (string?)settings["Influence__ShardCount"] ?? "";
        var match = StringOfParameter().Match(value);
        Assert.True(match.Success, $"Influence__ShardCount should be string(parameters(...)), not '{value}'");
        var passed = (string?)deployment?["properties"]?["parameters"]?[match.Groups[1].Value]?["value"];
        Assert.Equal("shardCount", Template.TopLevelParameterOf(passed, Template.Root));
        Assert.Equal("int", CompiledTemplate.ParameterType(template, match.Groups[1].Value));
        Assert.Equal(64, (int?)Template.Root["parameters"]?["shardCount"]?["defaultValue"]);
    }

    [Fact]
    public void ShouldTagTheAppForAzdAndEveryResourceWithTheEnvironment()
    {
        var site = Assert.Single(Template.Resources("Microsoft.Web/sites")).Resource;
        Assert.Contains("'azd-service-name', parameters('serviceName')", (string?)site["tags"] ?? "", StringComparison.Ordinal);
        var tagsVariable = Template.Root["variables"]?["tags"] as JsonObject;
        Assert.Equal("[parameters('environmentName')]", (string?)tagsVariable?["azd-env-name"]);
    }

    [GeneratedRegex(@"^\[format\('@Microsoft\.KeyVault\(SecretUri=\{0\}\)', parameters\('(\w+)'\)\)\]$")]
    private static partial Regex KeyVaultReference();

    [GeneratedRegex(@"'Microsoft\.Resources/deployments', '([^']+)'\), '[^']+'\)\.outputs\.(\w+)\.value\]$")]
    private static partial Regex ModuleOutput();

    [GeneratedRegex(@"^\[string\(parameters\('(\w+)'\)\)\]$")]
    private static partial Regex StringOfParameter();
}
