using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>An ICE candidate attribute (RFC 8839 §5.1). Transport is "udp" or "tcp" (lower case);
/// TcpType is "active", "passive" or "so" for TCP candidates (RFC 6544).</summary>
internal sealed record SdpCandidate(
    string Foundation,
    int Component,
    string Transport,
    uint Priority,
    string Address,
    int Port,
    string Type,
    string? RelatedAddress = null,
    int? RelatedPort = null,
    string? TcpType = null)
{
    /// <summary>Parses the value of a=candidate. Unknown extension pairs (generation, network-id...) are skipped.</summary>
    public static bool TryParse(string value, [NotNullWhen(true)] out SdpCandidate? candidate, [NotNullWhen(false)] out string? error)
    {
        candidate = null;
        string[] parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 8)
        {
            error = "a=candidate has fewer than 8 fields";
            return false;
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int component) || component is < 1 or > 256)
        {
            error = "a=candidate has an invalid component id";
            return false;
        }

        string transport = parts[2].ToLowerInvariant();
        if (!uint.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out uint priority))
        {
            error = "a=candidate has an invalid priority";
            return false;
        }

        if (!int.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            error = "a=candidate has an invalid port";
            return false;
        }

        if (parts[6] != "typ")
        {
            error = "a=candidate lacks 'typ' in the 7th field";
            return false;
        }

        string? relatedAddress = null;
        int? relatedPort = null;
        string? tcpType = null;
        for (int i = 8; i + 1 < parts.Length; i += 2)
        {
            switch (parts[i])
            {
                case "raddr":
                    relatedAddress = parts[i + 1];
                    break;
                case "rport":
                    if (!int.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int rport) || rport > 65535)
                    {
                        error = "a=candidate has an invalid rport";
                        return false;
                    }

                    relatedPort = rport;
                    break;
                case "tcptype":
                    tcpType = parts[i + 1];
                    break;
            }
        }

        candidate = new SdpCandidate(parts[0], component, transport, priority, parts[4], port, parts[7], relatedAddress, relatedPort, tcpType);
        error = null;
        return true;
    }
}
