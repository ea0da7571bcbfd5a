using Doctolib.Telehealth.Media.Testing;

namespace Doctolib.Telehealth.Media.Tests.Plane;

public sealed class ForwardingTests
{
    private static readonly TimeSpan Burst = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task TwoPeers_InOneAdmittedRoom_ReceiveEachOthersAudioAndVideo()
    {
        await using var harness = new PlaneHarness();
        WebRtcTestPeer patient = await harness.JoinAsync("room-1", "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync("room-1", "doctor");
        await harness.AdmitAsync("room-1", "patient", "doctor");

        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Plane.Counters.KeyframeRequestsForwarded >= 2), "subscriptions were not confirmed");
        await PlaneHarness.PublishAsync(Burst, patient, doctor);

        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, patient) && PlaneHarness.ReceivedAll(patient, doctor)),
            harness.Describe(patient, doctor));
        Assert.Equal(50, patient.AudioPacketsSent);
        Assert.Equal(TestPeerSdp.Vp8PayloadType, doctor.Stream(patient.VideoSsrc)!.PayloadType);
        Assert.True(doctor.Stream(patient.VideoSsrc)!.Keyframes >= 1);
        Assert.Equal(0, doctor.UndecryptablePackets);
        Assert.True(harness.HasEvent(new MediaParticipant("room-1", "patient"), "up"));
        Assert.True(harness.HasEvent(new MediaParticipant("room-1", "doctor"), "up"));
    }

    [Fact]
    public async Task Peers_WithDifferentPayloadTypes_EachReceiveTheirOwnNumbers()
    {
        await using var harness = new PlaneHarness();
        WebRtcTestPeer patient = await harness.JoinAsync("room-pt", "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync("room-pt", "doctor", new TestPeerOptions { AudioPayloadType = 109, VideoPayloadType = 100 });
        await harness.AdmitAsync("room-pt", "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Plane.Counters.KeyframeRequestsForwarded >= 2));

        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(400), patient, doctor);

        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, patient) && PlaneHarness.ReceivedAll(patient, doctor)),
            harness.Describe(patient, doctor));
        Assert.Equal(100, doctor.Stream(patient.VideoSsrc)!.PayloadType);
        Assert.Equal(109, doctor.Stream(patient.AudioSsrc)!.PayloadType);
        Assert.Equal(TestPeerSdp.Vp8PayloadType, patient.Stream(doctor.VideoSsrc)!.PayloadType);
        Assert.Equal(TestPeerSdp.OpusPayloadType, patient.Stream(doctor.AudioSsrc)!.PayloadType);
    }

    [Fact]
    public async Task PeerOverIceTcp_AndPeerOverUdp_ExchangeAudioAndVideo()
    {
        await using var harness = new PlaneHarness(o => o.TcpPort = 0);
        WebRtcTestPeer patient = await harness.JoinAsync("room-tcp", "patient", new TestPeerOptions { UseTcp = true, ConsentInterval = TimeSpan.FromMilliseconds(500) });
        WebRtcTestPeer doctor = await harness.JoinAsync("room-tcp", "doctor");
        await harness.AdmitAsync("room-tcp", "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Plane.Counters.KeyframeRequestsForwarded >= 2), harness.Describe(patient, doctor));

        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(500), patient, doctor);

        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, patient) && PlaneHarness.ReceivedAll(patient, doctor)),
            harness.Describe(patient, doctor));
        Assert.IsType<Doctolib.Telehealth.Media.Transport.TcpMediaConnection>(harness.Plane.FindSession(new MediaParticipant("room-tcp", "patient"))!.Path);
    }
}
