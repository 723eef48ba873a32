using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.InfraTests;

/// <summary>No secret in plain text anywhere in the deployment: not in app settings, outputs, or the template.</summary>
public sealed partial class SecretsTemplateTests
{
    private static CompiledTemplate Template => CompiledTemplate.MainTemplate;

    [Theory]
    [InlineData("listKeys(")]
    [InlineData("listAccountSas(")]
    [InlineData("listServiceSas(")]
    [InlineData("listConnectionStrings(")]
    [InlineData("AccountKey=")]
    [InlineData("SharedAccessSignature=")]
    [InlineData("SharedAccessKey=")]
    [InlineData("Password=")]
    public void ShouldNotReadOrWriteAKeyOrKeyedConnectionStringAnywhere(string marker)
    {
        Assert.DoesNotContain(marker, Template.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ShouldHaveNoSecretLookingLiteralAppSettingValue()
    {
        var (settings, _, _) = Template.AppSettings();
        Assert.NotEmpty(settings);
        foreach (var (name, node) in settings)
        {
            var value = (string?)node ?? "";
            if (value.StartsWith('['))
            {
                continue; // an expression: parameters, references and Key Vault references are checked elsewhere
            }

            Assert.False(SecretLookingName().IsMatch(name) && value != "managedidentity", $"{name} holds a literal value: secrets must be Key Vault references");
            Assert.False(HighEntropy(value), $"{name} = '{value}' looks like a key or token");
        }
    }

    [Fact]
    public void ShouldStoreSecretValuesOnlyFromSecureParameters()
    {
        var secrets = Template.Resources("Microsoft.KeyVault/vaults/secrets");
        Assert.NotEmpty(secrets);
        foreach (var (secret, template, _) in secrets)
        {
            var value = (string?)secret["properties"]?["value"] ?? "";
            var match = ParameterReference().Match(value);
            Assert.True(match.Success, $"A Key Vault secret's value must be a secure parameter, not '{value}'");
            Assert.Equal("securestring", CompiledTemplate.ParameterType(template, match.Groups[1].Value));
        }

        // At the top, the secret parameters are secure, with no value in the template.
        foreach (var parameter in new[] { "apiKeyPepper", "webhookSecretMasterKey" })
        {
            Assert.Equal("securestring", CompiledTemplate.ParameterType(Template.Root, parameter));
            Assert.Equal("", (string?)Template.Root["parameters"]?[parameter]?["defaultValue"] ?? "");
        }
    }

    [Fact]
    public void ShouldPassSecureParametersOnlyIntoSecureModuleParameters()
    {
        var securePasses = 0;
        foreach (var (template, deployment) in Template.Templates().Where(t => t.Deployment is not null))
        {
            var passed = deployment!["properties"]?["parameters"] as JsonObject ?? [];
            var parent = Template.Templates().Single(t => CompiledTemplate.ResourcesOf(t.Template).Any(r => ReferenceEquals(r, deployment))).Template;
            foreach (var (name, node) in passed)
            {
                var source = ParameterReference().Match((string?)node?["value"] ?? "");
                if (source.Success && CompiledTemplate.ParameterType(parent, source.Groups[1].Value) == "securestring")
                {
                    Assert.Equal("securestring", CompiledTemplate.ParameterType(template, name));
                    securePasses++;
                }
            }
        }

        Assert.True(securePasses > 0, "the secret parameters reach the Key Vault module, so some secure value must be passed down");
    }

    [Fact]
    public void ShouldNotOutputASecret()
    {
        Assert.Contains(Template.Templates(), t => t.Template["outputs"] is JsonObject { Count: > 0 });
        foreach (var (template, _) in Template.Templates())
        {
            var secureParameters = (template["parameters"] as JsonObject ?? [])
                .Where(p => (string?)p.Value?["type"] == "securestring")
                .Select(p => $"parameters('{p.Key}')")
                .ToList();
            foreach (var (name, output) in template["outputs"] as JsonObject ?? [])
            {
                var value = output?["value"]?.ToJsonString() ?? "";
                Assert.DoesNotContain(secureParameters, p => value.Contains(p, StringComparison.Ordinal));
                Assert.False(ListFunction().IsMatch(value), $"Output {name} calls a list*() function: {value}");
                Assert.NotEqual("securestring", (string?)output?["type"]);
            }
        }
    }

    [Fact]
    public void ShouldDisableSharedKeyAccessOnEveryStorageAccount()
    {
        var accounts = Template.Resources("Microsoft.Storage/storageAccounts").Where(a => a.Resource["existing"] is null).ToList();
        Assert.NotEmpty(accounts);
        foreach (var (account, _, _) in accounts)
        {
            var properties = account["properties"];
            Assert.Equal(false, (bool?)properties?["allowSharedKeyAccess"]);
            Assert.Equal(false, (bool?)properties?["allowBlobPublicAccess"]);
            Assert.Equal("TLS1_2", (string?)properties?["minimumTlsVersion"]);
        }
    }

    [Fact]
    public void ShouldAuthorizeKeyVaultWithRbacOnly()
    {
        var vault = Assert.Single(Template.Resources("Microsoft.KeyVault/vaults")).Resource;
        Assert.Equal(true, (bool?)vault["properties"]?["enableRbacAuthorization"]);
        Assert.Null(vault["properties"]?["accessPolicies"]);
    }

    /// <summary>A long run of base64/hex-like characters mixing letters and digits: a key, a token, a password.</summary>
    private static bool HighEntropy(string value) =>
        value.Length >= 20 && KeyLike().IsMatch(value) && value.Any(char.IsDigit) && value.Any(char.IsLetter);

    [GeneratedRegex(@"^\[parameters\('(\w+)'\)\]$")]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"(?i)(key|secret|password|pepper|token|credential|sas)")]
    private static partial Regex SecretLookingName();

    [GeneratedRegex(@"^[A-Za-z0-9+/=_\-]+$")]
    private static partial Regex KeyLike();

    [GeneratedRegex(@"\blist\w*\(")]
    private static partial Regex ListFunction();
}
