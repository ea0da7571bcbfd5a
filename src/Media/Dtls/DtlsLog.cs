using Microsoft.Extensions.Logging;

namespace Doctolib.Telehealth.Media.Dtls;

/// <summary>DTLS log messages (event ids 4100-4199). Ids and outcomes only: never keys or certificates.</summary>
internal static partial class DtlsLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "DTLS {Role} handshake starting")]
    internal static partial void HandshakeStarting(ILogger logger, DtlsRole role);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "DTLS {Role} handshake done: SRTP profile {Profile} in {ElapsedMs} ms")]
    internal static partial void HandshakeDone(ILogger logger, DtlsRole role, SrtpProfile profile, long elapsedMs);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "DTLS {Role} handshake failed: {Failure}")]
    internal static partial void HandshakeFailed(ILogger logger, DtlsRole role, DtlsFailure failure, Exception exception);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "DTLS {Role} association closed by the peer")]
    internal static partial void ClosedByPeer(ILogger logger, DtlsRole role);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Debug, Message = "DTLS {Role} discarded {Count} application data records so far (data channels are not supported)")]
    internal static partial void ApplicationDataDiscarded(ILogger logger, DtlsRole role, long count);
}
