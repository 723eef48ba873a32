using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.InfraTests;

/// <summary>The identity's role assignments: stable guid() names, one resource each, exactly the roles it needs.</summary>
public sealed partial class RoleAssignmentTemplateTests
{
    // Built-in role definition ids.
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    private static CompiledTemplate Template => CompiledTemplate.MainTemplate;

    private static IReadOnlyList<(JsonObject Resource, JsonObject Template, JsonObject? Deployment)> Assignments =>
        Template.Resources("Microsoft.Authorization/roleAssignments");

    [Fact]
    public void ShouldNameEveryRoleAssignmentWithGuid()
    {
        Assert.NotEmpty(Assignments);
        foreach (var (assignment, _, _) in Assignments)
        {
            var name = (string?)assignment["name"] ?? "";
            Assert.True(name.StartsWith("[guid(", StringComparison.Ordinal), $"Role assignment name should be guid(scope, principal, role), not '{name}'");
        }
    }

    [Fact]
    public void ShouldScopeEveryRoleAssignmentToOneResource()
    {
        Assert.NotEmpty(Assignments);
        foreach (var (assignment, _, _) in Assignments)
        {
            var scope = (string?)assignment["scope"] ?? "";
            Assert.True(scope.Contains("Microsoft.", StringComparison.Ordinal), $"Role assignment {assignment["name"]} is not scoped to a resource (whole resource group?)");
        }
    }

    [Fact]
    public void ShouldGrantTheAppIdentityExactlyTheDataRolesItNeeds()
    {
        // The app's identity is a service principal; the optional deployer assignment takes its type from a parameter.
        var identityRoles = Assignments
            .Where(a => (string?)a.Resource["properties"]?["principalType"] == "ServicePrincipal")
            .Select(a => RoleOf(a.Resource, a.Template))
            .ToHashSet();
        Assert.Equal(
            new HashSet<string> { StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor, KeyVaultSecretsUser, MonitoringMetricsPublisher },
            identityRoles);
    }

    [Fact]
    public void ShouldGrantNoOtherRole()
    {
        var allowed = new HashSet<string>
        {
            StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor, KeyVaultSecretsUser, MonitoringMetricsPublisher,
            KeyVaultSecretsOfficer, // the deploying principal: azd reads the secrets back, operators rotate them
        };
        Assert.NotEmpty(Assignments);
        foreach (var (assignment, template, _) in Assignments)
        {
            Assert.Contains(RoleOf(assignment, template), allowed);
        }
    }

    [Fact]
    public void ShouldTagEveryTopLevelResourceWithTheEnvironment()
    {
        var located = Template.Templates()
            .SelectMany(t => CompiledTemplate.ResourcesOf(t.Template))
            .Where(r => r["location"] is not null && CompiledTemplate.Type(r) != "Microsoft.Resources/deployments")
            .ToList();
        Assert.NotEmpty(located);
        foreach (var resource in located)
        {
            Assert.True(resource["tags"] is not null, $"{CompiledTemplate.Type(resource)} {resource["name"]} has no tags");
        }
    }

    /// <summary>The role definition id of an assignment: a literal GUID, or one read from the template's variables.</summary>
    private static string RoleOf(JsonObject assignment, JsonObject template)
    {
        var expression = (string?)assignment["properties"]?["roleDefinitionId"] ?? "";
        var literal = Guid().Match(expression);
        if (literal.Success)
        {
            return literal.Value;
        }

        var variable = VariableReference().Match(expression);
        Assert.True(variable.Success, $"Cannot read the role of {assignment["name"]}: {expression}");
        var node = template["variables"]?[variable.Groups[1].Value];
        if (variable.Groups[2].Success)
        {
            node = node?[variable.Groups[2].Value];
        }

        return (string?)node ?? throw new InvalidOperationException($"Unresolved role variable in {expression}");
    }

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex(@"variables\('(\w+)'\)(?:\.(\w+))?")]
    private static partial Regex VariableReference();
}
