using Doctolib.Telehealth.Media.Dtls;

namespace Doctolib.Telehealth.Media.Tests.Dtls;

/// <summary>A DTLS server and client wired back to back in memory, each send delivered to the other's queue.</summary>
internal sealed class DtlsPair : IDisposable
{
    internal static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(20);

    private static readonly Lazy<DtlsCertificate> ServerCertificateInstance = new(() => DtlsCertificate.Create(TimeProvider.System));
    private static readonly Lazy<DtlsCertificate> ClientCertificateInstance = new(() => DtlsCertificate.Create(TimeProvider.System));

    internal DtlsPair(DtlsFingerprint? clientFingerprintSeenByServer = null, int[]? clientProfiles = null, TimeSpan? handshakeTimeout = null)
    {
        DtlsEndpoint? client = null;
        Server = new DtlsEndpoint(DtlsRole.Server, ServerCertificate, clientFingerprintSeenByServer ?? ClientCertificate.Fingerprint,
            datagram => client?.ReceiveDatagram(datagram), handshakeTimeout: handshakeTimeout);
        DtlsEndpoint server = Server;
        client = new DtlsEndpoint(DtlsRole.Client, ClientCertificate, ServerCertificate.Fingerprint,
            datagram => server.ReceiveDatagram(datagram), handshakeTimeout: handshakeTimeout)
        {
            ClientProfilesToOffer = clientProfiles,
        };
        Client = client;
    }

    internal static DtlsCertificate ServerCertificate => ServerCertificateInstance.Value;

    internal static DtlsCertificate ClientCertificate => ClientCertificateInstance.Value;

    internal DtlsEndpoint Server { get; }

    internal DtlsEndpoint Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
