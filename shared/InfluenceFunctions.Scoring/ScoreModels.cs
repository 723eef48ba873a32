using System.Diagnostics.CodeAnalysis;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// The one registry of score model versions, by version (case-insensitive). Which version is live is a setting
/// (Influence:LiveModelVersion, default <see cref="DefaultLiveVersion"/>), read the same way by the nightly run and the
/// CLI; a shadow version runs beside it to build a <see cref="ShadowDiffReport"/>.
/// </summary>
public sealed class ScoreModels
{
    /// <summary>The live version when nothing is configured.</summary>
    public const string DefaultLiveVersion = "v2";

    private readonly Dictionary<string, IScoreModel> byVersion;

    public ScoreModels(IEnumerable<IScoreModel> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        byVersion = new Dictionary<string, IScoreModel>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in models)
        {
            byVersion[model.Version] = model;
        }
    }

    /// <summary>The versions this build ships.</summary>
    public static IReadOnlyList<IScoreModel> BuiltIn { get; } = [new ScoreModelV1(), new ScoreModelV2()];

    /// <summary>A registry of the built-in versions (for tools without dependency injection).</summary>
    public static ScoreModels Default { get; } = new(BuiltIn);

    public IEnumerable<string> Versions => byVersion.Keys;

    /// <exception cref="KeyNotFoundException">No model has that version.</exception>
    public IScoreModel Get(string version) =>
        TryGet(version, out var model)
            ? model
            : throw new KeyNotFoundException($"No score model has version '{version}'. Known: {string.Join(", ", byVersion.Keys)}.");

    public bool TryGet(string version, [NotNullWhen(true)] out IScoreModel? model)
    {
        ArgumentNullException.ThrowIfNull(version);
        return byVersion.TryGetValue(version, out model);
    }

    public bool Contains(string version) => byVersion.ContainsKey(version);
}
