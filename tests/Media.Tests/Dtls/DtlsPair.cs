using Doctolib.Telehealth.Media.Dtls;
using Doctolib.Telehealth.Media.Testing;

namespace Doctolib.Telehealth.Media.Tests.Dtls;

/// <summary>A DTLS server and client wired back to back in memory, each send delivered to the other's queue.</summary>
internal sealed class DtlsPair : IDisposable
{
    internal static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(20);

    private static readonly Lazy<DtlsCertificate> ServerCertificateInstance = new(() => DtlsCertificate.Create(TimeProvider.System));
    private static readonly Lazy<DtlsCertificate> ClientCertificateInstance = new(() => DtlsCertificate.Create(TimeProvider.System));

    private int _lost;
    private int _serverSent;
    private int _clientSent;

    /// <param name="drop">Loses the datagram when true for (sending role, 1-based datagram number in that direction).</param>
    internal DtlsPair(DtlsFingerprint? clientFingerprintSeenByServer = null, int[]? clientProfiles = null, TimeSpan? handshakeTimeout = null,
        Func<DtlsRole, int, bool>? drop = null)
    {
        DtlsEndpoint? client = null;
        Server = new DtlsEndpoint(new DtlsServerHandshake(), ServerCertificate, clientFingerprintSeenByServer ?? ClientCertificate.Fingerprint,
            datagram =>
            {
                if (!IsLost(drop, DtlsRole.Server, ref _serverSent))
                {
                    client?.ReceiveDatagram(datagram);
                }
            },
            handshakeTimeout: handshakeTimeout);
        DtlsEndpoint server = Server;
        ClientHandshake = new DtlsClientHandshake { ProfilesToOffer = clientProfiles };
        client = new DtlsEndpoint(ClientHandshake, ClientCertificate, ServerCertificate.Fingerprint,
            datagram =>
            {
                if (!IsLost(drop, DtlsRole.Client, ref _clientSent))
                {
                    server.ReceiveDatagram(datagram);
                }
            },
            handshakeTimeout: handshakeTimeout);
        Client = client;
    }

    internal static DtlsCertificate ServerCertificate => ServerCertificateInstance.Value;

    internal static DtlsCertificate ClientCertificate => ClientCertificateInstance.Value;

    internal DtlsEndpoint Server { get; }

    internal DtlsEndpoint Client { get; }

    /// <summary>The client's side of the handshake, which can send application data once connected.</summary>
    internal DtlsClientHandshake ClientHandshake { get; }

    internal int LostDatagrams => Volatile.Read(ref _lost);

    private bool IsLost(Func<DtlsRole, int, bool>? drop, DtlsRole sender, ref int sent)
    {
        if (drop is null || !drop(sender, Interlocked.Increment(ref sent)))
        {
            return false;
        }

        Interlocked.Increment(ref _lost);
        return true;
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
