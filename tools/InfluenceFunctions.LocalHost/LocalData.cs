using InfluenceFunctions.Storage.Runs;

namespace InfluenceFunctions.LocalHost;

/// <summary>
/// Where the local host keeps Azurite's data: <c>.azurite/</c> at the repository root (git-ignored), so keys, endpoints,
/// accounts, scores and unfinished nights survive a restart; <c>--clean</c> empties it first.
/// </summary>
public static class LocalData
{
    public const string FolderName = ".azurite";

    /// <summary>The data folder (<paramref name="configured"/>, <c>LocalHost:DataFolder</c>, or the default), emptied first when <paramref name="clean"/>.</summary>
    public static string Prepare(string? configured, bool clean)
    {
        var folder = string.IsNullOrEmpty(configured) ? Path.Combine(RepoRoot.Find(), FolderName) : Path.GetFullPath(configured);
        if (clean && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>The night's run record when that night already completed in the kept data (then the demo is not seeded again).</summary>
    public static async Task<RunRecordEntity?> CompletedNightAsync(IServiceProvider services, DateOnly night, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var record = await services.GetRequiredService<RunRecords>().GetAsync(night, cancellationToken);
        return record is { RunStatus: RunStatus.Completed } ? record : null;
    }
}
