using System.Net;
using System.Net.Sockets;
using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Testing;

namespace Doctolib.Telehealth.Media.Tests.Plane;

public sealed class UntrustedSourceTests
{
    [Fact]
    public async Task Source_ThatNeverDidIce_GetsNoAnswerToStunDtlsOrRtp()
    {
        await using var harness = new PlaneHarness();
        WebRtcTestPeer patient = await harness.JoinAsync("room-u", "patient");
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        IPEndPoint server = harness.Plane.LocalEndPoint;

        // A binding request with made-up credentials, a DTLS ClientHello-looking record and an RTP packet.
        var client = new IceControllingClient(IceCredentials.Generate(), IceCredentials.Generate());
        stranger.SendTo(client.CreateBindingRequest(1000, useCandidate: true, out _), server);
        byte[] dtls = new byte[60];
        dtls[0] = 22;
        dtls[1] = 0xFE;
        dtls[2] = 0xFD;
        stranger.SendTo(dtls, server);
        byte[] rtp = new byte[100];
        rtp[0] = 0x80;
        rtp[1] = 96;
        stranger.SendTo(rtp, server);

        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Plane.Counters.DroppedUnknownSource >= 2 && harness.Plane.Counters.StunRejected >= 1));
        byte[] buffer = new byte[2048];
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await stranger.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), quiet.Token));
        Assert.True(patient.IsConnected);
    }

    [Fact]
    public async Task GarbageDatagrams_AreDroppedAndCounted_AndForwardingKeepsWorking()
    {
        await using var harness = new PlaneHarness();
        WebRtcTestPeer patient = await harness.JoinAsync("room-g", "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync("room-g", "doctor");
        await harness.AdmitAsync("room-g", "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Plane.Counters.KeyframeRequestsForwarded >= 2));

        var random = new Random(7);
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        for (int i = 0; i < 2000; i++)
        {
            byte[] junk = new byte[random.Next(0, 1400)];
            random.NextBytes(junk);
            stranger.SendTo(junk, harness.Plane.LocalEndPoint);
            if (i % 2 == 0)
            {
                // From an ICE-validated address too: must fail SRTP/DTLS/STUN checks, not crash the loop.
                patient.SendRaw(junk);
            }
        }

        long dropped() => harness.Plane.Counters.DroppedMalformed + harness.Plane.Counters.DroppedUnknownSource
            + harness.Plane.Counters.SrtpFailures + harness.Plane.Counters.StunRejected + harness.Plane.Counters.DtlsRecords;
        Assert.True(await PlaneHarness.EventuallyAsync(() => dropped() >= 2500), harness.Describe(patient, doctor));

        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(500), patient, doctor);
        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, patient) && PlaneHarness.ReceivedAll(patient, doctor)),
            harness.Describe(patient, doctor));
        Assert.True(harness.Plane.Counters.SrtpFailures > 0);
    }
}
