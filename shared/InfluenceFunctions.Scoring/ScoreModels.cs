using System.Diagnostics.CodeAnalysis;

namespace InfluenceFunctions.Scoring;

/// <summary>
/// The model versions this build knows, by name. The nightly run scores with <see cref="Live"/> and, when a
/// shadow version is configured, also with <see cref="Get"/>(shadow) to build a <see cref="ShadowDiffReport"/>.
/// </summary>
public static class ScoreModels
{
    private static readonly IScoreModel[] Known = [new ScoreModelV1(), new ScoreModelV2()];

    /// <summary>The version whose scores users see (v1 until phase 2 of the v2 rollout switches it).</summary>
    public static IScoreModel Live => Known[0];

    public static IReadOnlyList<IScoreModel> All => Known;

    /// <exception cref="KeyNotFoundException">No model has that version.</exception>
    public static IScoreModel Get(string version) =>
        TryGet(version, out var model)
            ? model
            : throw new KeyNotFoundException($"No score model has version '{version}'. Known: {string.Join(", ", Known.Select(m => m.Version))}.");

    public static bool TryGet(string version, [NotNullWhen(true)] out IScoreModel? model)
    {
        ArgumentNullException.ThrowIfNull(version);
        model = Array.Find(Known, m => string.Equals(m.Version, version, StringComparison.OrdinalIgnoreCase));
        return model is not null;
    }
}
