using InfluenceFunctions.Scoring;

namespace InfluenceFunctions.Nightly;

/// <summary>The model versions this deployment can run, by version (from DI, so tests can add their own).</summary>
public sealed class ScoreModelCatalog(IEnumerable<IScoreModel> models)
{
    private readonly Dictionary<string, IScoreModel> byVersion = models.ToDictionary(m => m.Version, StringComparer.OrdinalIgnoreCase);

    public IScoreModel Get(string version) =>
        byVersion.TryGetValue(version, out var model)
            ? model
            : throw new KeyNotFoundException($"No score model has version '{version}'. Known: {string.Join(", ", byVersion.Keys)}.");

    public bool Contains(string version) => byVersion.ContainsKey(version);
}
