namespace Doctolib.Telehealth.Media.Dtls;

/// <summary>Sends one DTLS datagram to the peer (the plane's shared UDP socket, or a test pipe).
/// Called on the handshake thread; must not block for long.</summary>
internal delegate void DtlsDatagramSender(ReadOnlySpan<byte> datagram);
