using System.Collections.Concurrent;
using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Storage.Partner;

/// <summary>
/// A partner API key (table "apikeys", PK = key id, RK = "key"). The key itself is never stored: only its
/// HMAC-SHA256 under the pepper. The id is the public part of the key ("ifk_{id}_{secret}"), so verifying
/// a presented key is one point read.
/// </summary>
public sealed class ApiKeyEntity : ITableEntity
{
    public const string Row = "key";

    public ApiKeyEntity()
    {
    }

    public ApiKeyEntity(string keyId)
    {
        PartitionKey = keyId;
        RowKey = Row;
    }

    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = Row;

    [IgnoreDataMember]
    public string KeyId => PartitionKey;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>Who the key is for (free text from the admin).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>HMAC-SHA256(pepper, full key), hex.</summary>
    public string Hash { get; set; } = string.Empty;

    public int RequestsPerMinute { get; set; }

    public int RequestsPerDay { get; set; }

    public DateTimeOffset CreatedUtc { get; set; }

    public DateTimeOffset? RevokedUtc { get; set; }
}

/// <summary>A verified, unrevoked key as the gate sees it.</summary>
public sealed record ApiKeyGrant(string KeyId, string Name, int RequestsPerMinute, int RequestsPerDay);

/// <summary>Hashes keys with the pepper from Security:ApiKeyPepper (a Key Vault reference in Azure).</summary>
public sealed partial class ApiKeyHasher
{
    public const string PepperSetting = "Security:ApiKeyPepper";

    /// <summary>Used only where no pepper is configured and the app is not running in Azure: never for real keys.</summary>
    internal const string DevelopmentPepper = "influencefunctions-development-pepper-do-not-use-in-azure";

    private readonly byte[] pepper;

    public ApiKeyHasher(IConfiguration configuration, ILogger<ApiKeyHasher> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[PepperSetting];
        if (string.IsNullOrEmpty(configured))
        {
            // WEBSITE_SITE_NAME is set by App Service / Functions in Azure: there a missing pepper is a deployment error.
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WEBSITE_SITE_NAME")))
            {
                throw new InvalidOperationException($"{PepperSetting} is not set: partner API keys cannot be verified.");
            }

            LogDevelopmentPepper(logger, PepperSetting);
            configured = DevelopmentPepper;
        }

        pepper = Encoding.UTF8.GetBytes(configured);
    }

    public string Hash(string key) => Convert.ToHexString(HMACSHA256.HashData(pepper, Encoding.UTF8.GetBytes(key)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Setting} is not set: using the development pepper. Keys created now are only fit for local use.")]
    private static partial void LogDevelopmentPepper(ILogger logger, string setting);
}

/// <summary>Creates, lists, revokes and verifies partner keys. Verified keys are cached for <see cref="PartnerOptions.KeyCacheSeconds"/>.</summary>
public sealed partial class ApiKeyStore(StorageClientFactory factory, ApiKeyHasher hasher, IOptions<PartnerOptions> options, TimeProvider clock)
{
    public const string KeyPrefix = "ifk_";

    private readonly ConcurrentDictionary<string, (ApiKeyEntity? Row, DateTimeOffset Expires)> cache = new(StringComparer.Ordinal);

    /// <summary>PK = key id (12 hex), RK = "key". See docs/storage.md.</summary>
    public TableClient Table { get; } = factory.Table("apikeys");

    /// <summary>Makes a key; the returned string is the only time the key exists outside the caller.</summary>
    public async Task<(ApiKeyEntity Row, string Key)> CreateAsync(string name, int? perMinute, int? perDay, CancellationToken cancellationToken)
    {
        await Table.CreateIfNotExistsAsync(cancellationToken);
        var keyId = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = $"{KeyPrefix}{keyId}_{secret}";
        var row = new ApiKeyEntity(keyId)
        {
            Name = name,
            Hash = hasher.Hash(key),
            RequestsPerMinute = perMinute ?? options.Value.DefaultRequestsPerMinute,
            RequestsPerDay = perDay ?? options.Value.DefaultRequestsPerDay,
            CreatedUtc = clock.GetUtcNow(),
        };
        await Table.AddEntityAsync(row, cancellationToken); // Add, not upsert: a (vanishingly unlikely) id clash fails loudly.
        return (row, key);
    }

    public async Task<IReadOnlyList<ApiKeyEntity>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = new List<ApiKeyEntity>();
        try
        {
            await foreach (var row in Table.QueryAsync<ApiKeyEntity>(maxPerPage: 1000, cancellationToken: cancellationToken))
            {
                rows.Add(row);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }

        return rows.OrderBy(r => r.CreatedUtc).ToList();
    }

    /// <summary>Marks a key revoked (the row stays, for the record). Null when there is no such key.</summary>
    public async Task<ApiKeyEntity?> RevokeAsync(string keyId, CancellationToken cancellationToken)
    {
        if (!KeyIdPattern().IsMatch(keyId))
        {
            return null;
        }

        var row = await ReadAsync(keyId, cancellationToken);
        if (row is null)
        {
            return null;
        }

        if (row.RevokedUtc is null)
        {
            row.RevokedUtc = clock.GetUtcNow();
            await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
        }

        cache.TryRemove(keyId, out _);
        return row;
    }

    /// <summary>The grant for a presented key; null for a missing, malformed, unknown, wrong or revoked key.</summary>
    public async Task<ApiKeyGrant?> VerifyAsync(string? presented, CancellationToken cancellationToken)
    {
        if (presented is null || presented.Length > 200)
        {
            return null;
        }

        var match = KeyPattern().Match(presented);
        if (!match.Success)
        {
            return null;
        }

        var keyId = match.Groups["id"].Value;
        var now = clock.GetUtcNow();
        if (!cache.TryGetValue(keyId, out var entry) || entry.Expires <= now)
        {
            entry = (await ReadAsync(keyId, cancellationToken), now.AddSeconds(options.Value.KeyCacheSeconds));
            if (cache.Count > 100_000)
            {
                cache.Clear(); // Unknown ids are cached too (so a flood of one bad key costs one read); bound the memory.
            }

            cache[keyId] = entry;
        }

        var row = entry.Row;
        if (row is null || row.RevokedUtc is not null)
        {
            return null;
        }

        var hash = Encoding.ASCII.GetBytes(hasher.Hash(presented));
        return CryptographicOperations.FixedTimeEquals(hash, Encoding.ASCII.GetBytes(row.Hash))
            ? new ApiKeyGrant(row.KeyId, row.Name, row.RequestsPerMinute, row.RequestsPerDay)
            : null;
    }

    private async Task<ApiKeyEntity?> ReadAsync(string keyId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Table.GetEntityIfExistsAsync<ApiKeyEntity>(keyId, ApiKeyEntity.Row, cancellationToken: cancellationToken);
            return response.HasValue ? response.Value : null;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null; // The table does not exist yet: no key has been made.
        }
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^ifk_(?<id>[0-9a-f]{12})_[A-Za-z0-9_-]{43}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^[0-9a-f]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyIdPattern();
}
