using System.Reflection;
using System.Xml.Linq;
using ArchUnitNET.Loader;
using InfluenceFunctions.LocalHost;

namespace InfluenceFunctions.UnitTests.Architecture;

/// <summary>
/// The layers of docs/decisions/0009 as facts: which project may reference which (read from the project files, so a
/// forbidden reference fails even before any code uses it), which packages each layer may use, and no namespace cycle
/// anywhere in the shipped code (read from the compiled IL, method bodies included).
/// </summary>
public sealed class LayeringTests
{
    /// <summary>Each project and the only projects of ours it may reference directly.</summary>
    private static readonly Dictionary<string, string[]> AllowedReferences = new(StringComparer.Ordinal)
    {
        ["shared/InfluenceFunctions.Scoring"] = [],
        ["shared/InfluenceFunctions.Domain"] = ["InfluenceFunctions.Scoring"],
        ["shared/InfluenceFunctions.Storage"] = ["InfluenceFunctions.Domain"],
        ["shared/InfluenceFunctions.Workflows"] = ["InfluenceFunctions.Storage"],
        ["shared/InfluenceFunctions.Api"] = ["InfluenceFunctions.Workflows"],
        ["functions/InfluenceFunctions.Functions"] = ["InfluenceFunctions.Api"],
        ["tools/InfluenceFunctions.Seeding"] = ["InfluenceFunctions.Workflows"], // The demo's past nights run the nightly shard pass.
        ["tools/InfluenceFunctions.LocalHost"] = ["InfluenceFunctions.Api", "InfluenceFunctions.Seeding"],
    };

    /// <summary>Package name prefixes a layer must not reference (directly; the layers below it carry the same rule).</summary>
    private static readonly Dictionary<string, string[]> ForbiddenPackages = new(StringComparer.Ordinal)
    {
        ["shared/InfluenceFunctions.Scoring"] = ["Azure.", "Microsoft.AspNetCore", "Microsoft.DurableTask", "Microsoft.Extensions", "Microsoft.IdentityModel"],
        ["shared/InfluenceFunctions.Domain"] = ["Azure.", "Microsoft.AspNetCore", "Microsoft.DurableTask", "Microsoft.Extensions", "Microsoft.IdentityModel"],
        ["shared/InfluenceFunctions.Storage"] = ["Microsoft.AspNetCore", "Microsoft.DurableTask", "Microsoft.IdentityModel"],
        ["shared/InfluenceFunctions.Workflows"] = ["Microsoft.AspNetCore", "Microsoft.IdentityModel"],
    };

    /// <summary>The shipped assemblies, bottom layer first.</summary>
    private static readonly Assembly[] Layers =
    [
        typeof(global::InfluenceFunctions.Scoring.IScoreModel).Assembly,
        typeof(global::InfluenceFunctions.Domain.Networks).Assembly,
        typeof(global::InfluenceFunctions.Storage.InfluenceTables).Assembly,
        typeof(global::InfluenceFunctions.Workflows.InfluenceWorkflows).Assembly,
        typeof(global::InfluenceFunctions.Api.InfluenceApi).Assembly,
    ];

    [Fact]
    public void ShouldReferenceOnlyTheLayerBelow()
    {
        foreach (var (project, allowed) in AllowedReferences)
        {
            var references = ProjectReferences(project);
            Assert.All(references, r => Assert.True(allowed.Contains(r), $"{project} must not reference {r}; it may reference only: {string.Join(", ", allowed)}"));
        }
    }

    [Fact]
    public void ShouldKeepIoPackagesOutOfThePureLayers()
    {
        foreach (var (project, forbidden) in ForbiddenPackages)
        {
            var document = ProjectFile(project);
            var packages = document.Descendants("PackageReference").Select(p => (string)p.Attribute("Include")!)
                .Concat(document.Descendants("FrameworkReference").Select(p => (string)p.Attribute("Include")!))
                .ToList();
            Assert.All(packages, p => Assert.False(forbidden.Any(f => p.StartsWith(f, StringComparison.Ordinal)), $"{project} must not reference {p}"));
        }
    }

    [Fact]
    public void ShouldShipNoDemoOrImportCodeInTheFunctionsApp()
    {
        var reachable = Reachable("functions/InfluenceFunctions.Functions");
        Assert.Contains("InfluenceFunctions.Api", reachable);
        Assert.DoesNotContain("InfluenceFunctions.Seeding", reachable);
    }

    [Fact]
    public void ShouldReferenceNoAssemblyOfAHigherLayer()
    {
        // The compiled form of the rule above: what each layer's IL actually references.
        for (var i = 0; i < Layers.Length; i++)
        {
            var ours = Layers[i].GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("InfluenceFunctions.", StringComparison.Ordinal)).ToList();
            var higher = Layers.Skip(i + 1).Select(a => a.GetName().Name!).ToList();
            Assert.Empty(ours.Intersect(higher));
        }
    }

    [Fact]
    public void ShouldHaveNoNamespaceCycles()
    {
        var architecture = new ArchLoader().LoadAssemblies(Layers).Build();
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in architecture.Types)
        {
            var from = type.Namespace?.FullName ?? string.Empty;
            if (!from.StartsWith("InfluenceFunctions", StringComparison.Ordinal))
            {
                continue;
            }

            var targets = edges.TryGetValue(from, out var set) ? set : edges[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var dependency in type.Dependencies)
            {
                var to = dependency.Target?.Namespace?.FullName ?? string.Empty; // Generic parameters have none.
                if (to != from && to.StartsWith("InfluenceFunctions", StringComparison.Ordinal))
                {
                    targets.Add(to);
                }
            }
        }

        Assert.True(edges.Count > 20, $"only {edges.Count} namespaces were read: the IL loader found too little to judge");
        var cycles = StronglyConnected(edges).Where(c => c.Count > 1)
            .Select(c => string.Join(", ", c.Order(StringComparer.Ordinal).SelectMany(from => edges[from].Where(c.Contains).Order(StringComparer.Ordinal).Select(to => $"{from} -> {to}"))))
            .ToList();
        Assert.True(cycles.Count == 0, "Namespace cycles:\n" + string.Join("\n", cycles));
    }

    private static List<List<string>> StronglyConnected(Dictionary<string, HashSet<string>> edges)
    {
        // Tarjan's algorithm over the namespace graph.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<List<string>>();
        var next = 0;

        void Visit(string node)
        {
            index[node] = low[node] = next++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var target in edges.GetValueOrDefault(node) ?? [])
            {
                if (!index.ContainsKey(target))
                {
                    Visit(target);
                    low[node] = Math.Min(low[node], low[target]);
                }
                else if (onStack.Contains(target))
                {
                    low[node] = Math.Min(low[node], index[target]);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                result.Add(component);
            }
        }

        foreach (var node in edges.Keys.ToList())
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return result;
    }

    private static XDocument ProjectFile(string project)
    {
        var name = project.Split('/')[^1];
        return XDocument.Load(Path.Combine(RepoRoot.Find(), project, name + ".csproj"));
    }

    private static List<string> ProjectReferences(string project) =>
        ProjectFile(project).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(((string)r.Attribute("Include")!).Replace('\\', '/')))
            .ToList();

    private static HashSet<string> Reachable(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>([project]);
        var paths = AllowedReferences.Keys.ToDictionary(k => k.Split('/')[^1], k => k, StringComparer.Ordinal);
        while (pending.TryDequeue(out var current))
        {
            foreach (var reference in ProjectReferences(current))
            {
                if (seen.Add(reference) && paths.TryGetValue(reference, out var path))
                {
                    pending.Enqueue(path);
                }
            }
        }

        return seen;
    }
}
