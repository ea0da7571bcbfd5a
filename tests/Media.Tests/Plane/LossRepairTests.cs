using Doctolib.Telehealth.Media.Testing;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>RTX (RFC 4588) and NACK (RFC 4585) through a real plane: answers to subscribers on their RTX stream, the
/// publisher's RTX and padding, and the plane's own NACKs to a publisher.</summary>
public sealed class LossRepairTests
{
    [Fact]
    public async Task Nack_FromAnRtxSubscriber_IsAnsweredOnTheAnnouncedRtxSsrcWithTheOriginalSequenceInside()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await TransportCcTests.ConnectPairAsync(harness, "room-rtx");
        uint? rtxSsrc = doctor.ServerRtxSsrcFor(patient.VideoSsrc);
        Assert.NotNull(rtxSsrc);
        Assert.NotEqual(patient.VideoSsrc, rtxSsrc);

        doctor.DiscardNextAndNack(patient.VideoSsrc);
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(500), patient);

        Assert.True(await PlaneHarness.EventuallyAsync(() => doctor.Stream(patient.VideoSsrc)?.Recovered == 1), harness.Describe(patient, doctor));
        (uint RtxSsrc, uint MediaSsrc, ushort OriginalSequence) resent = Assert.Single(doctor.RtxReceived);
        Assert.Equal((rtxSsrc.Value, patient.VideoSsrc), (resent.RtxSsrc, resent.MediaSsrc));
        Assert.True(harness.Plane.Counters.Retransmissions >= 1);
        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, patient)), harness.Describe(patient, doctor));
    }

    [Fact]
    public async Task Nack_FromASubscriberWithoutRtx_IsAnsweredWithThePlainPacket()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await TransportCcTests.ConnectPairAsync(harness, "room-plain",
            doctorOptions: new TestPeerOptions { RtxPayloadType = 0 });
        Assert.Null(doctor.ServerRtxSsrcFor(patient.VideoSsrc));

        doctor.DiscardNextAndNack(patient.VideoSsrc);
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(500), patient);

        Assert.True(await PlaneHarness.EventuallyAsync(() => doctor.Stream(patient.VideoSsrc)?.Recovered == 1), harness.Describe(patient, doctor));
        Assert.Empty(doctor.RtxReceived);
    }

    [Fact]
    public async Task Padding_FromAPublisher_IsCountedInTransportFeedbackButNotForwarded()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await TransportCcTests.ConnectPairAsync(harness, "room-pad");
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(200), patient);
        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, patient)), harness.Describe(patient, doctor));
        long forwarded = harness.Plane.Counters.RtpForwarded;
        long sent = patient.AudioPacketsSent + patient.VideoPacketsSent;

        patient.SendPaddingProbes(20);
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(300), patient);

        Assert.Equal(20, patient.PaddingProbesSent);
        Assert.True(await PlaneHarness.EventuallyAsync(() => patient.TransportSequencesAcknowledged == patient.TransportSequencesSent),
            $"acknowledged {patient.TransportSequencesAcknowledged} of {patient.TransportSequencesSent}");
        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, patient)), harness.Describe(patient, doctor));
        Assert.Null(doctor.Stream(patient.Identity.RtxSsrc));
        Assert.Empty(doctor.RtxReceived);
        // Only the media sent meanwhile went on, none of the 20 probes.
        Assert.Equal(patient.AudioPacketsSent + patient.VideoPacketsSent - sent, harness.Plane.Counters.RtpForwarded - forwarded);
    }

    [Fact]
    public async Task Gap_InAPublishersVideo_GetsANackAndItsRtxRepairReachesTheSubscriberOnce()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await TransportCcTests.ConnectPairAsync(harness, "room-gap");
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(200), patient);

        patient.SkipNextVideoPacket();
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(400), patient);

        Assert.True(patient.LastSkippedVideoSequence >= 0);
        Assert.True(await PlaneHarness.EventuallyAsync(() => patient.Nacked.Contains((patient.VideoSsrc, (ushort)patient.LastSkippedVideoSequence))),
            harness.Describe(patient, doctor));
        Assert.True(patient.RetransmissionsSent >= 1);
        // The repaired packet reaches the doctor as the original, once: it receives exactly what was sent.
        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, patient)), harness.Describe(patient, doctor));
        await Task.Delay(300);
        Assert.Equal(patient.VideoPacketsSent, doctor.Stream(patient.VideoSsrc)!.Packets);
    }
}
