using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Plane;
using Doctolib.Telehealth.Media.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>Downlink probing (issue 12): while a receiver's video is paused for a weak connection, the plane sends it
/// paced trains of padding-only packets on the server's RTX stream, each with a transport-wide sequence number, so its
/// estimate can show that the link recovered; never to a receiver without transport-cc and RTX.</summary>
public sealed class ProbingTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task ReceiverPausedForBandwidth_WithTransportCcAndRtx_GetsPaddingTrainsOnTheServerRtxStream()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = new PlaneHarness(o => o.ConsentCheckInterval = Tick, time);
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await CallAsync(harness, "room-probe", patientOptions: null);
        uint rtxSsrc = patient.ServerRtxSsrcFor(doctor.VideoSsrc) ?? throw new InvalidOperationException("no server RTX stream offered");
        ParticipantSession session = harness.Session("room-probe", "patient");
        Assert.NotNull(session.Downlink); // the patient negotiated transport-cc

        PauseForBandwidth(session, time);
        await AdvanceAsync(harness, time, TimeSpan.FromSeconds(1));

        Assert.True(await PlaneHarness.EventuallyAsync(() => (patient.Stream(rtxSsrc)?.Packets ?? 0) >= MediaPlane.ProbePackets),
            $"padding packets on the RTX stream: {patient.Stream(rtxSsrc)?.Packets ?? 0}");
        Assert.DoesNotContain(patient.RtxReceived, r => r.RtxSsrc == rtxSsrc); // padding only: no retransmitted packet
        Assert.True(session.Downlink.HoldConstraint, "the constraint may lapse while probes are what should lift it");

        // One train per interval, not one per tick.
        long afterFirst = patient.Stream(rtxSsrc)!.Packets;
        await AdvanceAsync(harness, time, TimeSpan.FromSeconds(1));
        Assert.Equal(afterFirst, patient.Stream(rtxSsrc)!.Packets);
    }

    [Fact]
    public async Task ReceiverPausedForBandwidth_WithoutTransportCc_GetsNoPadding()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = new PlaneHarness(o => o.ConsentCheckInterval = Tick, time);
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await CallAsync(harness, "room-noprobe", new TestPeerOptions { TransportWideCcExtensionId = 0 });
        ParticipantSession session = harness.Session("room-noprobe", "patient");
        Assert.Null(session.Downlink);

        PauseForBandwidth(session, time);
        await AdvanceAsync(harness, time, TimeSpan.FromSeconds(2));

        uint? rtxSsrc = patient.ServerRtxSsrcFor(doctor.VideoSsrc);
        Assert.Equal(0, rtxSsrc is { } ssrc ? patient.Stream(ssrc)?.Packets ?? 0 : 0);
    }

    private static async Task<(WebRtcTestPeer Patient, WebRtcTestPeer Doctor)> CallAsync(PlaneHarness harness, string room, TestPeerOptions? patientOptions)
    {
        WebRtcTestPeer patient = await harness.JoinAsync(room, "patient", patientOptions);
        WebRtcTestPeer doctor = await harness.JoinAsync(room, "doctor");
        await harness.AdmitAsync(room, "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.ForwardsAmong(patient, doctor)), harness.Describe(patient, doctor));
        return (patient, doctor);
    }

    /// <summary>The decision as two low estimates 2 s apart leave it (the plane's ticks then see it paused).</summary>
    private static void PauseForBandwidth(ParticipantSession session, FakeTimeProvider time)
    {
        long now = BweClock.Micros(time);
        session.AudioOnly.OnEstimate(100_000, now - 2_100_000);
        session.AudioOnly.OnEstimate(100_000, now);
        Assert.True(session.AudioOnly.PausedForBandwidth);
    }

    private static async Task AdvanceAsync(PlaneHarness harness, FakeTimeProvider time, TimeSpan span)
    {
        for (TimeSpan done = TimeSpan.Zero; done < span; done += Tick)
        {
            long ticks = harness.Plane.PeriodicTicks;
            time.Advance(Tick);
            Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Plane.PeriodicTicks > ticks), "the periodic tick did not run");
        }
    }
}
