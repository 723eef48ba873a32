using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace InfluenceFunctions.Storage.Webhooks;

/// <summary>
/// Keeps endpoint secrets encrypted at rest: AES-256-GCM under a key derived (HKDF-SHA256) from Webhooks:SecretMasterKey,
/// with the endpoint's partner and id as associated data, so a ciphertext copied onto another row does not decrypt.
/// Stored as base64(nonce 12 | tag 16 | ciphertext).
/// </summary>
public sealed partial class WebhookSecretProtector
{
    /// <summary>Used only where no master key is configured and the app is not running in Azure: never for real secrets.</summary>
    internal const string DevelopmentMasterKey = "influencefunctions-development-webhook-master-key-do-not-use-in-azure";

    private readonly byte[] key;

    public WebhookSecretProtector(IConfiguration configuration, ILogger<WebhookSecretProtector> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[WebhookOptions.MasterKeySetting];
        if (string.IsNullOrEmpty(configured))
        {
            // WEBSITE_SITE_NAME is set by App Service / Functions in Azure: there a missing key is a deployment error.
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WEBSITE_SITE_NAME")))
            {
                throw new InvalidOperationException($"{WebhookOptions.MasterKeySetting} is not set: webhook secrets cannot be protected.");
            }

            LogDevelopmentKey(logger, WebhookOptions.MasterKeySetting);
            configured = DevelopmentMasterKey;
        }

        key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(configured), 32, info: Encoding.UTF8.GetBytes("influencefunctions/webhook-secrets/v1"));
    }

    public string Protect(string secret, string partnerId, string endpointId)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var plain = Encoding.UTF8.GetBytes(secret);
        var output = new byte[12 + 16 + plain.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(output.AsSpan(0, 12), plain, output.AsSpan(28), output.AsSpan(12, 16), Associated(partnerId, endpointId));
        return Convert.ToBase64String(output);
    }

    public string Unprotect(string stored, string partnerId, string endpointId)
    {
        var input = Convert.FromBase64String(stored);
        var plain = new byte[input.Length - 28];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(input.AsSpan(0, 12), input.AsSpan(28), input.AsSpan(12, 16), plain, Associated(partnerId, endpointId));
        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] Associated(string partnerId, string endpointId) => Encoding.UTF8.GetBytes(partnerId + "/" + endpointId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Setting} is not set: using the development master key. Webhook secrets stored now are only fit for local use.")]
    private static partial void LogDevelopmentKey(ILogger logger, string setting);
}
