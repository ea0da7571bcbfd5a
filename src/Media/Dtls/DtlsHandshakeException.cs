namespace Doctolib.Telehealth.Media.Dtls;

/// <summary>Why a DTLS handshake did not produce keys.</summary>
internal enum DtlsFailure
{
    /// <summary>No complete handshake within the configured time (peer silent, or only garbage arrived).</summary>
    Timeout,

    /// <summary>The caller's token was cancelled or the endpoint was closed.</summary>
    Cancelled,

    /// <summary>The peer's certificate is missing or its fingerprint is not the one from the remote SDP.</summary>
    FingerprintMismatch,

    /// <summary>The peer offered no SRTP profile we support, or answered with one we did not offer.</summary>
    NoSrtpProfile,

    /// <summary>The peer sent a fatal alert.</summary>
    AlertReceived,

    /// <summary>Anything else the TLS stack refused (bad messages, no common cipher suite, ...).</summary>
    ProtocolError,
}

/// <summary>A DTLS handshake that failed; <see cref="Failure"/> says why in a form code can branch on.</summary>
internal sealed class DtlsHandshakeException(DtlsFailure failure, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public DtlsFailure Failure { get; } = failure;
}
