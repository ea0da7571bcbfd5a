using System.Net;

namespace Doctolib.Telehealth.Media.Transport;

/// <summary>Receives every datagram the shared socket reads, on the receive loop. The span is writable so the
/// handler can decrypt in place; neither the span nor the address may be kept after the call returns.</summary>
internal interface IDatagramHandler
{
    void OnDatagram(Span<byte> datagram, SocketAddress source);
}
