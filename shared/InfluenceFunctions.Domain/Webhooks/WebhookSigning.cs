using System.Security.Cryptography;
using System.Text;

namespace InfluenceFunctions.Domain.Webhooks;

/// <summary>
/// Standard Webhooks signatures: "v1," + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), the key being the
/// base64-decoded part of the "whsec_" secret. Several signatures are space-separated (during a rotation).
/// </summary>
public static class WebhookSigning
{
    public const string SecretPrefix = "whsec_";

    /// <summary>Random bytes in a new secret (the spec asks for 24 to 64).</summary>
    public const int SecretBytes = 32;

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    public static byte[] KeyOf(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
    }

    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(KeyOf(secret), content));
    }

    /// <summary>The webhook-signature header: one "v1,..." per secret, space-separated.</summary>
    public static string Header(IEnumerable<string> secrets, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var signatures = new List<string>();
        foreach (var secret in secrets)
        {
            signatures.Add(Sign(secret, id, timestamp, body));
        }

        return string.Join(' ', signatures);
    }
}
