using System.Net;

namespace Doctolib.Telehealth.Media.Transport;

/// <summary>How packets reach one participant once ICE chose a pair: a UDP address on the shared socket, or an
/// ICE-TCP connection.</summary>
internal abstract class MediaPath
{
    public abstract void Send(ReadOnlySpan<byte> datagram);
}

/// <summary>A remote UDP address on the shared socket.</summary>
internal sealed class UdpPath(UdpMediaSocket socket, SocketAddress address) : MediaPath
{
    public SocketAddress Address { get; } = address;

    public override void Send(ReadOnlySpan<byte> datagram) => socket.Send(datagram, Address);
}
