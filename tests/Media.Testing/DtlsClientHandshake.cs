using Doctolib.Telehealth.Media.Dtls;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Doctolib.Telehealth.Media.Testing;

/// <summary>The test peer's side of the handshake: the DTLS client, as a browser is against our a=setup:passive.
/// It keeps the transport so a test can send application data, as a data channel would.</summary>
internal sealed class DtlsClientHandshake : DtlsHandshakeProtocol
{
    private DtlsTransport? _transport;

    /// <summary>The DTLS-SRTP profile ids offered, to check the server's choice.</summary>
    public int[]? ProfilesToOffer { get; init; }

    public override DtlsRole Role => DtlsRole.Client;

    public override DtlsTransport Run(BcTlsCrypto crypto, DtlsCertificate certificate, DtlsPeerState state, DatagramTransport transport)
    {
        var client = new DtlsSrtpClient(crypto, certificate, state) { ProfilesToOffer = ProfilesToOffer ?? DtlsPeerState.OfferedProfiles };
        DtlsTransport dtls = new DtlsClientProtocol().Connect(client, transport);
        Volatile.Write(ref _transport, dtls);
        return dtls;
    }

    /// <summary>Sends one DTLS application data record.</summary>
    public void SendApplicationData(ReadOnlySpan<byte> data)
    {
        DtlsTransport dtls = Volatile.Read(ref _transport) ?? throw new InvalidOperationException("The handshake has not completed.");
        lock (RecordLock)
        {
            dtls.Send(data);
        }
    }
}
