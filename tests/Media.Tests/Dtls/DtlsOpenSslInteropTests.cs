using System.Net;
using System.Net.Sockets;
using Doctolib.Telehealth.Media.Dtls;
using Doctolib.Telehealth.Media.Srtp;
using Doctolib.Telehealth.Media.Testing;

namespace Doctolib.Telehealth.Media.Tests.Dtls;

/// <summary>Our DTLS-SRTP endpoint against OpenSSL over real UDP on 127.0.0.1: profile choice, the exporter's key
/// layout (RFC 5764 §4.2) and fingerprint checks must agree with an implementation that is not BouncyCastle.</summary>
public sealed class DtlsOpenSslInteropTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80", SrtpProfile.AeadAes128Gcm)]
    [InlineData("SRTP_AES128_CM_SHA1_80", SrtpProfile.AesCm128HmacSha1_80)]
    public async Task Server_OpenSslClient_AgreesOnProfileAndExportedKeys(string offered, SrtpProfile expected)
    {
        using var cts = new CancellationTokenSource(Limit);
        var (openssl, fingerprint) = await OpenSslPeer.CreateAsync(cts.Token);
        using (openssl)
        using (var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            IPEndPoint? peer = null;
            using var server = new DtlsEndpoint(new DtlsServerHandshake(), DtlsCertificate.Shared, DtlsFingerprint.Parse(fingerprint),
                d => { if (peer is not null) { udp.Send(d, peer); } });
            Task pump = PumpAsync(udp, server, p => peer = p, cts.Token);
            Task<DtlsResult> handshake = server.HandshakeAsync(cts.Token);
            int port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
            int length = SrtpKeys.ExportedLength(expected);

            string output = await OpenSslPeer.RunAsync(
                $"s_client -dtls1_2 -connect 127.0.0.1:{port} -use_srtp {offered} -cert {openssl.CertificatePath} " +
                $"-key {openssl.KeyPath} -keymatexport EXTRACTOR-dtls_srtp -keymatexportlen {length}",
                cts.Token, stdinOpenFor: TimeSpan.FromSeconds(2));

            DtlsResult result = await handshake.WaitAsync(cts.Token);
            byte[] material = OpenSslPeer.KeyingMaterial(output);
            SrtpKeys asClient = SrtpKeys.FromDtlsExport(expected, material, localIsDtlsClient: true);
            Assert.Equal(expected, result.Profile);
            Assert.Equal(asClient.LocalMasterKey.ToArray(), result.Keys.RemoteMasterKey.ToArray());
            Assert.Equal(asClient.LocalMasterSalt.ToArray(), result.Keys.RemoteMasterSalt.ToArray());
            Assert.Equal(asClient.RemoteMasterKey.ToArray(), result.Keys.LocalMasterKey.ToArray());
            Assert.Equal(asClient.RemoteMasterSalt.ToArray(), result.Keys.LocalMasterSalt.ToArray());
            Assert.Contains("Extended master secret: yes", output, StringComparison.Ordinal);
            await server.Closed.WaitAsync(cts.Token);
            await cts.CancelAsync();
            await pump.ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    [Fact]
    public async Task Server_OpenSslClientWithOtherCertificate_IsRefusedAsFingerprintMismatch()
    {
        using var cts = new CancellationTokenSource(Limit);
        var (openssl, _) = await OpenSslPeer.CreateAsync(cts.Token);
        using (openssl)
        using (var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            IPEndPoint? peer = null;
            DtlsFingerprint someoneElse = DtlsCertificate.Create(TimeProvider.System).Fingerprint;
            using var server = new DtlsEndpoint(new DtlsServerHandshake(), DtlsCertificate.Shared, someoneElse,
                d => { if (peer is not null) { udp.Send(d, peer); } });
            Task pump = PumpAsync(udp, server, p => peer = p, cts.Token);
            Task<DtlsResult> handshake = server.HandshakeAsync(cts.Token);
            int port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;

            string output = await OpenSslPeer.RunAsync(
                $"s_client -dtls1_2 -connect 127.0.0.1:{port} -use_srtp SRTP_AEAD_AES_128_GCM -cert {openssl.CertificatePath} -key {openssl.KeyPath}",
                cts.Token, stdinOpenFor: TimeSpan.FromSeconds(1));

            var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => handshake.WaitAsync(cts.Token));
            Assert.Equal(DtlsFailure.FingerprintMismatch, error.Failure);
            Assert.Contains("bad certificate", output, StringComparison.Ordinal);
            await cts.CancelAsync();
            await pump.ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    [Fact]
    public async Task Client_OpenSslServer_AgreesOnGcmAndExportedKeys()
    {
        using var cts = new CancellationTokenSource(Limit);
        var (openssl, fingerprint) = await OpenSslPeer.CreateAsync(cts.Token);
        using (openssl)
        using (var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            int port = FreeUdpPort();
            var server = new IPEndPoint(IPAddress.Loopback, port);
            Task<string> openSslServer = OpenSslPeer.RunAsync(
                $"s_server -dtls1_2 -accept 127.0.0.1:{port} -use_srtp SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80 " +
                $"-cert {openssl.CertificatePath} -key {openssl.KeyPath} -Verify 1 -keymatexport EXTRACTOR-dtls_srtp -keymatexportlen 56",
                cts.Token, stdinOpenFor: TimeSpan.FromSeconds(4));
            await Task.Delay(TimeSpan.FromMilliseconds(800), cts.Token);
            using var client = new DtlsEndpoint(new DtlsClientHandshake(), DtlsCertificate.Shared, DtlsFingerprint.Parse(fingerprint),
                d => udp.Send(d, server));
            Task pump = PumpAsync(udp, client, static _ => { }, cts.Token);

            DtlsResult result = await client.HandshakeAsync(cts.Token).WaitAsync(cts.Token);
            client.Close();
            string output = await openSslServer;

            SrtpKeys asServer = SrtpKeys.FromDtlsExport(SrtpProfile.AeadAes128Gcm, OpenSslPeer.KeyingMaterial(output), localIsDtlsClient: false);
            Assert.Equal(SrtpProfile.AeadAes128Gcm, result.Profile);
            Assert.Equal(asServer.RemoteMasterKey.ToArray(), result.Keys.LocalMasterKey.ToArray());
            Assert.Equal(asServer.LocalMasterKey.ToArray(), result.Keys.RemoteMasterKey.ToArray());
            Assert.Equal(asServer.LocalMasterSalt.ToArray(), result.Keys.RemoteMasterSalt.ToArray());
            await cts.CancelAsync();
            await pump.ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    private static async Task PumpAsync(UdpClient udp, DtlsEndpoint endpoint, Action<IPEndPoint> learn, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            UdpReceiveResult received = await udp.ReceiveAsync(cancellationToken);
            learn(received.RemoteEndPoint);
            endpoint.ReceiveDatagram(received.Buffer);
        }
    }

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }
}
