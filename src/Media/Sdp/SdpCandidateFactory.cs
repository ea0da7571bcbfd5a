using System.Net;
using Doctolib.Telehealth.Media.Ice;

namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>The server's own candidates: one UDP host candidate, and optionally a TCP passive host candidate
/// (RFC 6544 §4.5) ranked below it so browsers prefer UDP.</summary>
internal static class SdpCandidateFactory
{
    public static SdpCandidate UdpHost(IPEndPoint endPoint) => new(
        Foundation: "1",
        Component: 1,
        Transport: "udp",
        Priority: IceCandidatePriority.Compute(IceCandidatePriority.HostTypePreference, 65535, 1),
        Address: Address(endPoint),
        Port: endPoint.Port,
        Type: "host");

    public static SdpCandidate TcpPassiveHost(IPEndPoint endPoint) => new(
        Foundation: "2",
        Component: 1,
        Transport: "tcp",
        // RFC 6544 §4.2: local preference = direction preference (passive host: 4) * 2^13 + other preference;
        // the type preference is lowered below UDP's so a browser that can use UDP does.
        Priority: IceCandidatePriority.Compute(IceCandidatePriority.HostTypePreference - 36, IceCandidatePriority.TcpLocalPreference(4, 8191), 1),
        Address: Address(endPoint),
        Port: endPoint.Port,
        Type: "host",
        TcpType: "passive");

    private static string Address(IPEndPoint endPoint)
    {
        IPAddress address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        return address.ToString();
    }
}
