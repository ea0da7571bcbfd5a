using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Doctolib.Telehealth.Media.Dtls;

/// <summary>The SFU's side: it answers with a=setup:passive, so it is always the DTLS server.</summary>
internal sealed class DtlsServerHandshake : DtlsHandshakeProtocol
{
    public override DtlsRole Role => DtlsRole.Server;

    public override DtlsTransport Run(BcTlsCrypto crypto, DtlsCertificate certificate, DtlsPeerState state, DatagramTransport transport) =>
        new DtlsServerProtocol { VerifyRequests = false }.Accept(new DtlsSrtpServer(crypto, certificate, state), transport);
}
