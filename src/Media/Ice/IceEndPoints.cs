using System.Net;

namespace Doctolib.Telehealth.Media.Ice;

/// <summary>Puts remote addresses in one form (IPv4-mapped IPv6 becomes IPv4) so that a dual-mode socket and a
/// plain one give the same key.</summary>
internal static class IceEndPoints
{
    public static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
}
