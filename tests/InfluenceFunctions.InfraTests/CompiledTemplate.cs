using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InfluenceFunctions.Api;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.InfraTests;

/// <summary>
/// infra/main.bicep compiled to ARM JSON by the Bicep CLI (once per test run), with helpers to walk it: the modules
/// are nested deployments whose inline templates hold their resources.
/// </summary>
public sealed partial class CompiledTemplate
{
    private static readonly Lazy<CompiledTemplate> Main = new(() => Compile(Path.Combine(InfraDirectory, "main.bicep")));

    private CompiledTemplate(JsonObject root, string text, string diagnostics)
    {
        Root = root;
        Text = text;
        Diagnostics = diagnostics;
    }

    /// <summary>infra/main.bicep, compiled.</summary>
    public static CompiledTemplate MainTemplate => Main.Value;

    public static string InfraDirectory => Metadata("InfraDirectory");

    public static string BicepCliPath => Metadata("BicepCliPath");

    /// <summary>The top-level (subscription scope) template.</summary>
    public JsonObject Root { get; }

    /// <summary>The compiled JSON as text, for whole-template searches.</summary>
    public string Text { get; }

    /// <summary>What the CLI wrote to stderr: warnings and errors.</summary>
    public string Diagnostics { get; }

    /// <summary>Every template in the tree: the root, then each module's inline template, with the deployment that holds it.</summary>
    public IEnumerable<(JsonObject Template, JsonObject? Deployment)> Templates()
    {
        var pending = new Queue<(JsonObject, JsonObject?)>();
        pending.Enqueue((Root, null));
        while (pending.Count > 0)
        {
            var (template, deployment) = pending.Dequeue();
            yield return (template, deployment);
            foreach (var resource in ResourcesOf(template))
            {
                if (Type(resource) == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject inner)
                {
                    pending.Enqueue((inner, resource));
                }
            }
        }
    }

    /// <summary>Every resource of the given type anywhere in the tree, with the template that declares it.</summary>
    public IReadOnlyList<(JsonObject Resource, JsonObject Template, JsonObject? Deployment)> Resources(string type) =>
        Templates()
            .SelectMany(t => ResourcesOf(t.Template).Select(r => (Resource: r, t.Template, t.Deployment)))
            .Where(r => string.Equals(Type(r.Resource), type, StringComparison.OrdinalIgnoreCase))
            .ToList();

    /// <summary>The function app's app settings: the properties of its Microsoft.Web/sites/config 'appsettings' resource.</summary>
    public (JsonObject Settings, JsonObject Template, JsonObject? Deployment) AppSettings()
    {
        var configs = Resources("Microsoft.Web/sites/config")
            .Where(r => ((string?)r.Resource["name"] ?? "").Contains("'appsettings'", StringComparison.Ordinal))
            .ToList();
        var config = Assert.Single(configs);
        var settings = Assert.IsType<JsonObject>(config.Resource["properties"], exactMatch: false);
        return (settings, config.Template, config.Deployment);
    }

    /// <summary>
    /// Follows a value of the form [parameters('x')] out through the enclosing module deployments to the top-level
    /// template: the name of the top-level parameter it comes from, or null when it comes from anything else.
    /// </summary>
    public string? TopLevelParameterOf(string? value, JsonObject template)
    {
        var current = template;
        while (true)
        {
            var match = value is null ? null : ParameterReference().Match(value);
            if (match is null || !match.Success)
            {
                return null;
            }

            var name = match.Groups[1].Value;
            if (ReferenceEquals(current, Root))
            {
                return name;
            }

            var (_, deployment) = Templates().Single(t => ReferenceEquals(t.Template, current));
            value = (string?)deployment!["properties"]?["parameters"]?[name]?["value"];
            current = Templates().Single(t => ResourcesOf(t.Template).Any(r => ReferenceEquals(r, deployment))).Template;
        }
    }

    /// <summary>The type ("string", "securestring", "int", ...) of a template's parameter.</summary>
    public static string? ParameterType(JsonObject template, string name) => (string?)template["parameters"]?[name]?["type"];

    public static string? Type(JsonNode? resource) => (string?)resource?["type"];

    public static IEnumerable<JsonObject> ResourcesOf(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject symbolic => symbolic.Select(p => p.Value).OfType<JsonObject>(), // languageVersion 2.0
        _ => [],
    };

    /// <summary>Runs `bicep build --stdout` on a file; the CLI is the one restored from NuGet for this project.</summary>
    public static CompiledTemplate Compile(string bicepFile)
    {
        var (exitCode, stdout, stderr) = RunBicep("build", bicepFile, "--stdout");
        Assert.True(exitCode == 0, $"bicep build {bicepFile} exited {exitCode}:\n{stderr}");
        var root = Assert.IsType<JsonObject>(JsonNode.Parse(stdout), exactMatch: false);
        return new CompiledTemplate(root, stdout, stderr);
    }

    public static (int ExitCode, string Stdout, string Stderr) RunBicep(params string[] arguments)
    {
        var cli = BicepCliPath;
        Assert.True(File.Exists(cli), $"No Bicep CLI at {cli}: restore this project (dotnet restore) to download it.");
        EnsureExecutable(cli);
        var start = new ProcessStartInfo(cli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = InfraDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {cli}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in 5 minutes");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static void EnsureExecutable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        }
    }

    private static string Metadata(string key) =>
        typeof(CompiledTemplate).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is empty");

    [GeneratedRegex(@"^\[parameters\('(\w+)'\)\]$")]
    private static partial Regex ParameterReference();
}
