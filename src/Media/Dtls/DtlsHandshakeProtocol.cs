using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Doctolib.Telehealth.Media.Dtls;

/// <summary>The side of the handshake a <see cref="DtlsEndpoint"/> plays and how BouncyCastle runs it. One instance
/// per endpoint: it also owns the lock that every use of the resulting <see cref="DtlsTransport"/> takes, because
/// BouncyCastle's transport is not safe for concurrent use.</summary>
internal abstract class DtlsHandshakeProtocol
{
    public abstract DtlsRole Role { get; }

    /// <summary>Taken around every receive, send and close on the transport after the handshake.</summary>
    public Lock RecordLock { get; } = new();

    /// <summary>Runs the blocking handshake over <paramref name="transport"/>; fills <paramref name="state"/> with the
    /// negotiated profile and keying material.</summary>
    public abstract DtlsTransport Run(BcTlsCrypto crypto, DtlsCertificate certificate, DtlsPeerState state, DatagramTransport transport);
}
