using System.Net;

namespace Doctolib.Telehealth.Media.Ice;

/// <summary>A pair as the lite agent knows it: our one host candidate and a remote address that sent a valid,
/// authenticated binding request (a peer-reflexive or host candidate of the browser).</summary>
internal sealed class IceCandidatePair
{
    public IceCandidatePair(IPEndPoint remoteEndPoint, IceTransport transport, uint priority, DateTimeOffset firstSeen)
    {
        RemoteEndPoint = remoteEndPoint;
        Transport = transport;
        Priority = priority;
        LastValidRequestAt = firstSeen;
    }

    public IPEndPoint RemoteEndPoint { get; }
    public IceTransport Transport { get; }

    /// <summary>The PRIORITY the peer sent: the priority of its peer-reflexive candidate.</summary>
    public uint Priority { get; internal set; }
    public bool Nominated { get; internal set; }
    public DateTimeOffset LastValidRequestAt { get; internal set; }
}
