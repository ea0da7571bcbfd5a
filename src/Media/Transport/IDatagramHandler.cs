using System.Net;

namespace Doctolib.Telehealth.Media.Transport;

/// <summary>Receives every datagram the shared socket reads, on the receive loop. The span is writable so the
/// handler can decrypt in place; neither the span nor the address may be kept after the call returns.</summary>
internal interface IDatagramHandler
{
    /// <param name="queuedMicros">How long the datagram waited between the kernel's receive stamp and this call (the
    /// receive loop was busy), or 0 when the socket gives no stamps: the handler's clock, less this, is its arrival.</param>
    void OnDatagram(Span<byte> datagram, SocketAddress source, long queuedMicros);
}
