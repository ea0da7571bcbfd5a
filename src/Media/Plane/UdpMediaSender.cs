using System.Net;
using Doctolib.Telehealth.Media.Transport;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Sends through the shared socket; a seam so a session does not hold the socket itself.</summary>
internal sealed class UdpMediaSender(UdpMediaSocket socket)
{
    public void Send(ReadOnlySpan<byte> datagram, SocketAddress destination) => socket.Send(datagram, destination);
}
