using Doctolib.Telehealth.Media.Dtls;
using Doctolib.Telehealth.Media.Srtp;
using Doctolib.Telehealth.Media.Testing;
using Doctolib.Telehealth.Media.Tests.Srtp;
using Org.BouncyCastle.Tls;

namespace Doctolib.Telehealth.Media.Tests.Dtls;

public sealed class DtlsEndpointTests
{
    [Fact]
    public async Task Handshake_ServerAndClient_NegotiateGcmWithMirroredKeys()
    {
        using var pair = new DtlsPair();
        Task<DtlsResult> server = pair.Server.HandshakeAsync(CancellationToken.None);
        Task<DtlsResult> client = pair.Client.HandshakeAsync(CancellationToken.None);
        DtlsResult[] results = await Task.WhenAll(server, client).WaitAsync(DtlsPair.TestTimeout);

        DtlsResult s = results[0];
        DtlsResult c = results[1];
        Assert.Equal(SrtpProfile.AeadAes128Gcm, s.Profile);
        Assert.Equal(SrtpProfile.AeadAes128Gcm, c.Profile);
        Assert.Equal(c.Keys.LocalMasterKey.ToArray(), s.Keys.RemoteMasterKey.ToArray());
        Assert.Equal(c.Keys.LocalMasterSalt.ToArray(), s.Keys.RemoteMasterSalt.ToArray());
        Assert.Equal(s.Keys.LocalMasterKey.ToArray(), c.Keys.RemoteMasterKey.ToArray());
        Assert.Equal(s.Keys.LocalMasterSalt.ToArray(), c.Keys.RemoteMasterSalt.ToArray());
        Assert.NotEqual(s.Keys.LocalMasterKey.ToArray(), s.Keys.RemoteMasterKey.ToArray());
        Assert.Equal(DtlsPair.ClientCertificate.Fingerprint, s.RemoteFingerprint);
        Assert.Equal(DtlsPair.ServerCertificate.Fingerprint, c.RemoteFingerprint);
    }

    [Theory]
    [InlineData(DtlsRole.Client, 1)]
    [InlineData(DtlsRole.Server, 1)]
    [InlineData(DtlsRole.Client, 3)]
    [InlineData(DtlsRole.Server, 3)]
    [InlineData(DtlsRole.Server, 5)]
    [InlineData(DtlsRole.Server, 6)]
    [InlineData(DtlsRole.Server, 7)]
    [InlineData(DtlsRole.Client, 6)]
    public async Task Handshake_OneDatagramLost_CompletesThroughRetransmission(DtlsRole sender, int number)
    {
        using var pair = new DtlsPair(handshakeTimeout: TimeSpan.FromSeconds(15), drop: (role, n) => role == sender && n == number);
        DtlsResult[] results = await Task.WhenAll(
            pair.Server.HandshakeAsync(CancellationToken.None),
            pair.Client.HandshakeAsync(CancellationToken.None)).WaitAsync(DtlsPair.TestTimeout);

        Assert.Equal(1, pair.LostDatagrams);
        Assert.Equal(results[1].Keys.LocalMasterKey.ToArray(), results[0].Keys.RemoteMasterKey.ToArray());
    }

    [Fact]
    public async Task Handshake_SeveralDatagramsLostBothWays_CompletesThroughRetransmission()
    {
        using var pair = new DtlsPair(handshakeTimeout: TimeSpan.FromSeconds(15), drop: (_, n) => n is 2 or 6 or 9);
        DtlsResult[] results = await Task.WhenAll(
            pair.Server.HandshakeAsync(CancellationToken.None),
            pair.Client.HandshakeAsync(CancellationToken.None)).WaitAsync(DtlsPair.TestTimeout);

        Assert.True(pair.LostDatagrams >= 4, $"only {pair.LostDatagrams} lost");
        Assert.Equal(results[1].Keys.LocalMasterKey.ToArray(), results[0].Keys.RemoteMasterKey.ToArray());
    }

    [Fact]
    public async Task Handshake_ClientOffersOnlyAesCm_ServerSelectsAesCm()
    {
        using var pair = new DtlsPair(clientProfiles: [SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80]);
        DtlsResult[] results = await Task.WhenAll(
            pair.Server.HandshakeAsync(CancellationToken.None),
            pair.Client.HandshakeAsync(CancellationToken.None)).WaitAsync(DtlsPair.TestTimeout);

        Assert.Equal(SrtpProfile.AesCm128HmacSha1_80, results[0].Profile);
        Assert.Equal(SrtpProfile.AesCm128HmacSha1_80, results[1].Profile);
        Assert.Equal(14, results[0].Keys.LocalMasterSalt.Length);
    }

    [Theory]
    [InlineData(SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM)]
    [InlineData(SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80)]
    public async Task Handshake_DerivedKeys_CarrySrtpBothWays(int profile)
    {
        using var pair = new DtlsPair(clientProfiles: [profile]);
        DtlsResult[] results = await Task.WhenAll(
            pair.Server.HandshakeAsync(CancellationToken.None),
            pair.Client.HandshakeAsync(CancellationToken.None)).WaitAsync(DtlsPair.TestTimeout);
        using SrtpSession server = results[0].CreateSrtpSession();
        using SrtpSession client = results[1].CreateSrtpSession();

        AssertDelivers(client, server, SrtpTestPackets.Rtp(1, 0x1234, 1000));
        AssertDelivers(server, client, SrtpTestPackets.Rtp(2, 0x5678, 1000));
    }

    [Fact]
    public async Task Handshake_ClientCertificateNotTheOneInSdp_ServerRefusesWithFingerprintMismatch()
    {
        DtlsFingerprint someoneElse = DtlsCertificate.Create(TimeProvider.System).Fingerprint;
        using var pair = new DtlsPair(clientFingerprintSeenByServer: someoneElse);
        Task<DtlsResult> server = pair.Server.HandshakeAsync(CancellationToken.None);
        Task<DtlsResult> client = pair.Client.HandshakeAsync(CancellationToken.None);

        var serverError = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.WaitAsync(DtlsPair.TestTimeout));
        Assert.Equal(DtlsFailure.FingerprintMismatch, serverError.Failure);
        var clientError = await Assert.ThrowsAsync<DtlsHandshakeException>(() => client.WaitAsync(DtlsPair.TestTimeout));
        Assert.NotEqual(DtlsFailure.FingerprintMismatch, clientError.Failure);
    }

    [Fact]
    public async Task Handshake_ServerCertificateNotTheOneInSdp_ClientRefusesWithFingerprintMismatch()
    {
        DtlsFingerprint someoneElse = DtlsCertificate.Create(TimeProvider.System).Fingerprint;
        DtlsEndpoint? client = null;
        using var server = new DtlsEndpoint(new DtlsServerHandshake(), DtlsPair.ServerCertificate, DtlsPair.ClientCertificate.Fingerprint,
            d => client?.ReceiveDatagram(d), handshakeTimeout: TimeSpan.FromSeconds(5));
        client = new DtlsEndpoint(new DtlsClientHandshake(), DtlsPair.ClientCertificate, someoneElse, d => server.ReceiveDatagram(d),
            handshakeTimeout: TimeSpan.FromSeconds(5));
        using (client)
        {
            Task<DtlsResult> serverTask = server.HandshakeAsync(CancellationToken.None);
            var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => client.HandshakeAsync(CancellationToken.None).WaitAsync(DtlsPair.TestTimeout));
            Assert.Equal(DtlsFailure.FingerprintMismatch, error.Failure);
            await Assert.ThrowsAsync<DtlsHandshakeException>(() => serverTask.WaitAsync(DtlsPair.TestTimeout));
        }
    }

    [Fact]
    public async Task Handshake_ServerFedOnlyGarbage_FailsWithTimeoutWithoutCrashing()
    {
        int sent = 0;
        using var server = new DtlsEndpoint(new DtlsServerHandshake(), DtlsPair.ServerCertificate, DtlsPair.ClientCertificate.Fingerprint,
            _ => Interlocked.Increment(ref sent), handshakeTimeout: TimeSpan.FromSeconds(2));
        Task<DtlsResult> handshake = server.HandshakeAsync(CancellationToken.None);
        var random = new Random(7);
        for (int i = 0; i < 300; i++)
        {
            byte[] garbage = new byte[random.Next(1, 1400)];
            random.NextBytes(garbage);
            garbage[0] = (byte)(20 + (i % 44));
            if (i % 3 == 0 && garbage.Length > 13)
            {
                garbage[1] = 0xFE;
                garbage[2] = 0xFD;
            }

            server.ReceiveDatagram(garbage);
        }

        server.ReceiveDatagram(ReadOnlySpan<byte>.Empty);
        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => handshake.WaitAsync(DtlsPair.TestTimeout));
        Assert.True(error.Failure is DtlsFailure.Timeout or DtlsFailure.ProtocolError, $"unexpected {error.Failure}");
    }

    [Fact]
    public async Task Handshake_SilentPeer_FailsWithTimeout()
    {
        using var server = new DtlsEndpoint(new DtlsServerHandshake(), DtlsPair.ServerCertificate, DtlsPair.ClientCertificate.Fingerprint,
            _ => { }, handshakeTimeout: TimeSpan.FromSeconds(1));
        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(
            () => server.HandshakeAsync(CancellationToken.None).WaitAsync(DtlsPair.TestTimeout));
        Assert.Equal(DtlsFailure.Timeout, error.Failure);
        await server.Closed.WaitAsync(DtlsPair.TestTimeout);
    }

    [Fact]
    public async Task Handshake_TokenCancelled_FailsWithCancelled()
    {
        using var cts = new CancellationTokenSource();
        using var server = new DtlsEndpoint(new DtlsServerHandshake(), DtlsPair.ServerCertificate, DtlsPair.ClientCertificate.Fingerprint, _ => { });
        Task<DtlsResult> handshake = server.HandshakeAsync(cts.Token);
        await Task.Delay(100);
        await cts.CancelAsync();
        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => handshake.WaitAsync(DtlsPair.TestTimeout));
        Assert.Equal(DtlsFailure.Cancelled, error.Failure);
    }

    [Fact]
    public async Task Close_AfterHandshake_PeerSeesCloseNotify()
    {
        using var pair = new DtlsPair();
        await Task.WhenAll(
            pair.Server.HandshakeAsync(CancellationToken.None),
            pair.Client.HandshakeAsync(CancellationToken.None)).WaitAsync(DtlsPair.TestTimeout);

        pair.Client.Close();

        await pair.Server.Closed.WaitAsync(DtlsPair.TestTimeout);
        Assert.True(pair.Server.Closed.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task ReceiveDatagram_GarbageAfterHandshake_IsIgnoredAndSessionStaysOpen()
    {
        using var pair = new DtlsPair();
        await Task.WhenAll(
            pair.Server.HandshakeAsync(CancellationToken.None),
            pair.Client.HandshakeAsync(CancellationToken.None)).WaitAsync(DtlsPair.TestTimeout);
        var random = new Random(11);
        for (int i = 0; i < 50; i++)
        {
            byte[] garbage = new byte[random.Next(1, 300)];
            random.NextBytes(garbage);
            garbage[0] = 23;
            if (i % 2 == 0 && garbage.Length > 13)
            {
                // A well-formed DTLS 1.2 record header in epoch 1 whose body cannot authenticate.
                garbage[1] = 0xFE;
                garbage[2] = 0xFD;
                garbage[3] = 0;
                garbage[4] = 1;
                garbage[11] = (byte)((garbage.Length - 13) >> 8);
                garbage[12] = (byte)(garbage.Length - 13);
            }

            pair.Server.ReceiveDatagram(garbage);
        }

        pair.ClientHandshake.SendApplicationData(new byte[] { 9 });
        using var deadline = new CancellationTokenSource(DtlsPair.TestTimeout);
        while (pair.Server.ApplicationDataRecords < 1 && !pair.Server.Closed.IsCompleted)
        {
            await Task.Delay(20, deadline.Token);
        }

        Assert.False(pair.Server.Closed.IsCompleted);
        Assert.Equal(1, pair.Server.ApplicationDataRecords);
    }

    [Fact]
    public async Task ReceiveDatagram_ApplicationDataAfterHandshake_IsCountedAndDiscarded()
    {
        using var pair = new DtlsPair();
        await Task.WhenAll(
            pair.Server.HandshakeAsync(CancellationToken.None),
            pair.Client.HandshakeAsync(CancellationToken.None)).WaitAsync(DtlsPair.TestTimeout);

        for (int i = 0; i < 3; i++)
        {
            pair.ClientHandshake.SendApplicationData(new byte[] { 1, 2, 3, (byte)i });
        }

        using var deadline = new CancellationTokenSource(DtlsPair.TestTimeout);
        while (pair.Server.ApplicationDataRecords < 3)
        {
            await Task.Delay(20, deadline.Token);
        }

        Assert.Equal(3, pair.Server.ApplicationDataRecords);
        Assert.False(pair.Server.Closed.IsCompleted);
    }

    [Fact]
    public async Task Handshake_ClientOffersNoSupportedSrtpProfile_ServerFailsWithNoSrtpProfile()
    {
        const int srtpAes128CmHmacSha1_32 = 0x0002;
        using var pair = new DtlsPair(clientProfiles: [srtpAes128CmHmacSha1_32], handshakeTimeout: TimeSpan.FromSeconds(5));
        Task<DtlsResult> server = pair.Server.HandshakeAsync(CancellationToken.None);
        Task<DtlsResult> client = pair.Client.HandshakeAsync(CancellationToken.None);

        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.WaitAsync(DtlsPair.TestTimeout));
        Assert.Equal(DtlsFailure.NoSrtpProfile, error.Failure);
        await Assert.ThrowsAsync<DtlsHandshakeException>(() => client.WaitAsync(DtlsPair.TestTimeout));
    }

    [Fact]
    public async Task HandshakeAsync_CalledTwice_ReturnsTheSameTask()
    {
        using var pair = new DtlsPair();
        Task<DtlsResult> first = pair.Server.HandshakeAsync(CancellationToken.None);
        Assert.Same(first, pair.Server.HandshakeAsync(CancellationToken.None));
        await Task.WhenAll(first, pair.Client.HandshakeAsync(CancellationToken.None)).WaitAsync(DtlsPair.TestTimeout);
    }

    [Theory]
    [InlineData(new byte[] { 20 }, true)]
    [InlineData(new byte[] { 63 }, true)]
    [InlineData(new byte[] { 19 }, false)]
    [InlineData(new byte[] { 64 }, false)]
    [InlineData(new byte[] { 0x80 }, false)]
    [InlineData(new byte[0], false)]
    public void IsDtlsDatagram_FirstByteRanges_FollowRfc7983(byte[] datagram, bool expected)
    {
        Assert.Equal(expected, DtlsEndpoint.IsDtlsDatagram(datagram));
    }

    private static void AssertDelivers(SrtpSession from, SrtpSession to, byte[] rtp)
    {
        byte[] wire = new byte[rtp.Length + from.RtpOverhead];
        Assert.True(from.TryProtectRtp(rtp, wire, out int written));
        byte[] back = new byte[written];
        Assert.Equal(SrtpUnprotectResult.Ok, to.TryUnprotectRtp(wire.AsSpan(0, written), back, out int length));
        Assert.Equal(rtp, back.AsSpan(0, length).ToArray());
    }
}
