using Doctolib.Telehealth.Media.Plane;
using Doctolib.Telehealth.Media.Testing;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>Transport-cc through a real plane with real peers over loopback: feedback to publishers, the per-subscriber
/// estimate from the subscriber's feedback, and the REMB cap that follows it.</summary>
public sealed class TransportCcTests
{
    [Fact]
    public async Task TransportFeedback_ToAPublisher_AcknowledgesExactlyThePacketsItSent()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await ConnectPairAsync(harness, "room-tf");

        await PlaneHarness.PublishAsync(TimeSpan.FromSeconds(1), patient);

        Assert.True(patient.TransportSequencesSent > 50);
        Assert.True(await PlaneHarness.EventuallyAsync(() => patient.TransportSequencesAcknowledged == patient.TransportSequencesSent),
            $"acknowledged {patient.TransportSequencesAcknowledged} of {patient.TransportSequencesSent}");
        for (int sequence = 0; sequence < patient.TransportSequencesSent; sequence++)
        {
            Assert.True(patient.WasAcknowledged((ushort)sequence), $"transport-wide seq {sequence} never acknowledged");
        }

        Assert.False(patient.WasAcknowledged((ushort)patient.TransportSequencesSent));
        // Every 100 ms while it sends, not one per packet.
        Assert.InRange(patient.TransportFeedbacksReceived, 5, patient.TransportSequencesSent / 4);
        Assert.True(PlaneHarness.ReceivedAll(doctor, patient), harness.Describe(patient, doctor));
    }

    [Fact]
    public async Task TransportFeedback_ProbesSentTheMomentTheHandshakeEnds_AreAllAcknowledged()
    {
        await using var harness = new PlaneHarness();
        WebRtcTestPeer patient = await harness.JoinAsync("room-early", "patient");

        // As Chromium does: its initial probe leaves as soon as it has the server's last handshake flight, which can be
        // before the server has taken its keys.
        patient.SendPaddingProbes(10);
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(500), patient);

        Assert.True(await PlaneHarness.EventuallyAsync(() => patient.TransportSequencesAcknowledged == patient.TransportSequencesSent),
            $"acknowledged {patient.TransportSequencesAcknowledged} of {patient.TransportSequencesSent}");
        for (int sequence = 0; sequence < 10; sequence++)
        {
            Assert.True(patient.WasAcknowledged((ushort)sequence), $"probe with transport-wide seq {sequence} never acknowledged");
        }
    }

    [Fact]
    public async Task TransportFeedback_APeerWithoutTransportCc_GetsNoneAndKeepsItsRemb()
    {
        await using var harness = new PlaneHarness(o => o.ConsentCheckInterval = TimeSpan.FromMilliseconds(250));
        WebRtcTestPeer patient = await harness.JoinAsync("room-remb", "patient", new TestPeerOptions { TransportWideCcExtensionId = 0 });
        WebRtcTestPeer doctor = await harness.JoinAsync("room-remb", "doctor");
        await harness.AdmitAsync("room-remb", "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.ForwardsAmong(patient, doctor)));

        await PlaneHarness.PublishAsync(TimeSpan.FromSeconds(1), patient, doctor);

        Assert.True(await PlaneHarness.EventuallyAsync(() => patient.LastRembBps >= MediaPlane.GenerousBitrate));
        Assert.Equal(0, patient.TransportFeedbacksReceived);
        Assert.Null(harness.Plane.FindSession(new MediaParticipant("room-remb", "patient"))!.Uplink);
        Assert.True(doctor.TransportFeedbacksReceived > 0);
    }

    [Fact]
    public async Task DownlinkEstimate_SubscriberFeedbackReportingGrowingDelay_LowersItAndTheRembToItsPublisher()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await ConnectPairAsync(harness, "room-delay");
        ParticipantSession doctorSession = harness.Plane.FindSession(new MediaParticipant("room-delay", "doctor"))!;
        ParticipantSession patientSession = harness.Plane.FindSession(new MediaParticipant("room-delay", "patient"))!;

        await PlaneHarness.PublishAsync(TimeSpan.FromSeconds(2), patient);
        long before = doctorSession.DownlinkEstimateBps;
        Assert.True(before > 0, "no downlink estimate from the subscriber's transport feedback");
        Assert.True(patient.LastRembBps >= MediaPlane.GenerousBitrate, $"REMB {patient.LastRembBps} before any congestion");

        // The doctor's feedback now says each packet spends longer in a queue than the one before: arrivals spread to
        // three times their sending, as behind a bottleneck of a third of the rate.
        doctor.StartGrowingDelay(2.0);
        await PlaneHarness.PublishAsync(TimeSpan.FromSeconds(3), patient);

        Assert.True(await PlaneHarness.EventuallyAsync(() => doctorSession.DownlinkEstimateBps < before * 3 / 4),
            $"estimate {doctorSession.DownlinkEstimateBps} bps, was {before}, constrained {doctorSession.Downlink!.IsConstrained}");
        Assert.True(await PlaneHarness.EventuallyAsync(() => patient.LastRembBps < MediaPlane.GenerousBitrate
            && patient.LastRembBps <= doctorSession.DownlinkEstimateBps + 50_000),
            $"REMB {patient.LastRembBps} bps for a subscriber estimate of {doctorSession.DownlinkEstimateBps}");
        Assert.InRange(patientSession.UplinkEstimateBps, 1, MediaPlane.GenerousBitrate - 1);
    }

    [Fact]
    public async Task DownlinkEstimate_SubscriberWithOtherIdsAndPayloadTypes_IsStampedWithItsOwnExtensionId()
    {
        await using var harness = new PlaneHarness();
        WebRtcTestPeer patient = await harness.JoinAsync("room-ids", "patient", new TestPeerOptions { TransportWideCcExtensionId = 3 });
        // Firefox's numbering: Opus 109, VP8 120 with RTX 124, the transport-wide sequence on 7.
        WebRtcTestPeer doctor = await harness.JoinAsync("room-ids", "doctor", new TestPeerOptions
        {
            TransportWideCcExtensionId = 7, AudioPayloadType = 109, VideoPayloadType = 120, RtxPayloadType = 124,
        });
        await harness.AdmitAsync("room-ids", "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.ForwardsAmong(patient, doctor)));
        ParticipantSession doctorSession = harness.Plane.FindSession(new MediaParticipant("room-ids", "doctor"))!;

        await PlaneHarness.PublishAsync(TimeSpan.FromSeconds(1), patient);

        // The doctor reads sequence numbers under id 7 only: an estimate means the plane stamped them there.
        Assert.True(await PlaneHarness.EventuallyAsync(() => doctorSession.DownlinkEstimateBps > 0));
        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, patient)), harness.Describe(patient, doctor));
        Assert.Equal(120, doctor.Stream(patient.VideoSsrc)!.PayloadType);
        Assert.True(await PlaneHarness.EventuallyAsync(() => patient.TransportSequencesAcknowledged == patient.TransportSequencesSent));
    }

    internal static async Task<(WebRtcTestPeer, WebRtcTestPeer)> ConnectPairAsync(PlaneHarness harness, string room,
        TestPeerOptions? patientOptions = null, TestPeerOptions? doctorOptions = null)
    {
        WebRtcTestPeer patient = await harness.JoinAsync(room, "patient", patientOptions);
        WebRtcTestPeer doctor = await harness.JoinAsync(room, "doctor", doctorOptions);
        await harness.AdmitAsync(room, "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.ForwardsAmong(patient, doctor)
            && harness.Plane.Counters.KeyframeRequestsForwarded >= 2));
        return (patient, doctor);
    }
}
