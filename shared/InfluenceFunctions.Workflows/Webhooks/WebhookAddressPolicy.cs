using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using InfluenceFunctions.Domain.Webhooks;
using InfluenceFunctions.Storage;
using InfluenceFunctions.Storage.Webhooks;

namespace InfluenceFunctions.Workflows.Webhooks;

/// <summary>
/// SSRF guard: which addresses a webhook may reach. Only public unicast addresses; everything else is named with
/// the reason, so a refused registration can say why. IPv4 inside IPv6 (mapped, compatible, NAT64, 6to4) is judged
/// by the IPv4 address it carries.
/// </summary>
public static class AddressClassifier
{
    private static readonly (IPNetwork Network, string Reason)[] Blocked =
    [
        // Cloud metadata first, so they are named as such rather than as the wider range they sit in.
        (IPNetwork.Parse("169.254.169.254/32"), "a cloud metadata address"),
        (IPNetwork.Parse("168.63.129.16/32"), "an Azure platform address (wire server)"),
        (IPNetwork.Parse("100.100.100.200/32"), "a cloud metadata address"),
        (IPNetwork.Parse("fd00:ec2::254/128"), "a cloud metadata address"),
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified (\"this network\") address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address (RFC 1918)"),
        (IPNetwork.Parse("100.64.0.0/10"), "a carrier-grade NAT address (RFC 6598)"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address (RFC 1918)"),
        (IPNetwork.Parse("192.0.0.0/24"), "an IETF protocol assignment address"),
        (IPNetwork.Parse("192.0.2.0/24"), "a documentation address"),
        (IPNetwork.Parse("192.88.99.0/24"), "a 6to4 relay anycast address"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address (RFC 1918)"),
        (IPNetwork.Parse("198.18.0.0/15"), "a benchmarking address"),
        (IPNetwork.Parse("198.51.100.0/24"), "a documentation address"),
        (IPNetwork.Parse("203.0.113.0/24"), "a documentation address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved or broadcast address"),
        (IPNetwork.Parse("::/128"), "an unspecified address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("100::/64"), "a discard-only address"),
        (IPNetwork.Parse("2001::/32"), "a Teredo tunnelling address"),
        (IPNetwork.Parse("2001:db8::/32"), "a documentation address"),
        (IPNetwork.Parse("fc00::/7"), "a unique-local address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        (IPNetwork.Parse("fec0::/10"), "a site-local address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork Compatible = IPNetwork.Parse("::/96");

    /// <summary>Null for a public address a webhook may reach; else why not (e.g. "a private address (RFC 1918)").</summary>
    public static string? WhyBlocked(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                return WhyBlocked(address.MapToIPv4());
            }

            var bytes = address.GetAddressBytes();
            if (Nat64.Contains(address) || (Compatible.Contains(address) && !address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback)))
            {
                return WhyBlocked(new IPAddress(bytes.AsSpan(12, 4)));
            }

            if (SixToFour.Contains(address))
            {
                return WhyBlocked(new IPAddress(bytes.AsSpan(2, 4)));
            }

            address = new IPAddress(bytes); // Drop any scope id: ranges compare bare addresses.
        }
        else if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return "not an IP address";
        }

        foreach (var (network, reason) in Blocked)
        {
            if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
            {
                return reason;
            }
        }

        return null;
    }
}

/// <summary>A URL or address a webhook may not use, with the reason to show the partner.</summary>
public sealed class WebhookAddressRefusedException(string message) : HttpRequestException(message);

/// <summary>
/// Where webhooks may go: https to hosts that resolve only to public addresses, or anything to a host on the
/// development allow-list. Checked when an endpoint is registered and again on every connection
/// (<see cref="ConnectAsync"/> resolves, checks and connects to the checked address, so a DNS answer that changes
/// between the check and the connection cannot reach inside).
/// </summary>
public sealed class WebhookAddressPolicy(IOptions<WebhookOptions> options)
{
    public const int MaxUrlLength = 2048;

    private readonly HashSet<string> allowed = new(options.Value.AllowedHttpHosts, StringComparer.OrdinalIgnoreCase);

    /// <summary>The problem with the URL's form (scheme, host, user info, length), or null.</summary>
    public string? CheckForm(string? url, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength)
        {
            return $"Give an absolute https URL of at most {MaxUrlLength} characters.";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp))
        {
            return "Not an absolute http(s) URL.";
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo))
        {
            return "The URL must not carry a user name or password.";
        }

        if (!string.IsNullOrEmpty(parsed.Fragment))
        {
            return "The URL must not have a fragment (#...).";
        }

        if (parsed.Scheme == Uri.UriSchemeHttp && !IsAllowListed(parsed.IdnHost))
        {
            return "The URL must be https.";
        }

        uri = parsed;
        return null;
    }

    public bool IsAllowListed(string host) => allowed.Contains(host.Trim('[', ']'));

    /// <summary>Resolves the host and checks every address; null when all are public, else why not.</summary>
    public async Task<string?> CheckAddressesAsync(Uri uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        try
        {
            _ = await ResolveAsync(uri.IdnHost, cancellationToken);
            return null;
        }
        catch (WebhookAddressRefusedException e)
        {
            return e.Message;
        }
    }

    /// <summary>SocketsHttpHandler.ConnectCallback: resolve, refuse any non-public answer, connect to a checked address.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var addresses = await ResolveAsync(context.DnsEndPoint.Host, cancellationToken);
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    private async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var bare = host.Trim('[', ']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(bare, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(bare, cancellationToken);
            }
            catch (SocketException)
            {
                throw new WebhookAddressRefusedException($"The host '{bare}' does not resolve.");
            }
        }

        if (addresses.Length == 0)
        {
            throw new WebhookAddressRefusedException($"The host '{bare}' does not resolve.");
        }

        if (IsAllowListed(bare))
        {
            return addresses;
        }

        foreach (var address in addresses)
        {
            if (AddressClassifier.WhyBlocked(address) is { } reason)
            {
                throw new WebhookAddressRefusedException($"The host '{bare}' resolves to {address}, {reason}: webhooks only go to public addresses.");
            }
        }

        return addresses;
    }
}
