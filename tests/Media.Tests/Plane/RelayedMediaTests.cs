using Doctolib.Telehealth.Media.Testing;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>Live media as billing counts it: up while the server relays a participant's media to someone, down at the
/// last packet relayed (a gap, a closed session, a stopping server), with periodic marks for crash recovery.</summary>
public sealed class RelayedMediaTests
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(400);

    private static PlaneHarness Harness(TimeSpan? idle = null) => new(o =>
    {
        o.RelayIdleTimeout = idle ?? TimeSpan.FromSeconds(1);
        o.RelayMarkInterval = TimeSpan.FromMilliseconds(200);
    });

    private static async Task<(WebRtcTestPeer Patient, WebRtcTestPeer Doctor)> CallAsync(PlaneHarness harness, string room)
    {
        WebRtcTestPeer patient = await harness.JoinAsync(room, "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync(room, "doctor");
        await harness.AdmitAsync(room, "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.ForwardsAmong(patient, doctor)), harness.Describe(patient, doctor));
        return (patient, doctor);
    }

    [Fact]
    public async Task MediaFromTheWaitingRoom_IsNeverReportedUp_UntilItIsRelayedAfterAdmission()
    {
        await using var harness = Harness();
        WebRtcTestPeer patient = await harness.JoinAsync("room-w", "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync("room-w", "doctor");
        await harness.AdmitAsync("room-w", "doctor");
        var waiting = new MediaParticipant("room-w", "patient");

        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(600), patient, doctor);
        await Task.Delay(300);

        Assert.True(harness.Plane.Counters.RtpReceived > 0, harness.Describe(patient, doctor));
        Assert.Empty(harness.TimedEvents);
        Assert.Empty(harness.Marks);

        await harness.AdmitAsync("room-w", "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.ForwardsAmong(patient, doctor)), harness.Describe(patient, doctor));
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(400), patient);

        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.HasEvent(waiting, "up")));
        Assert.False(harness.HasEvent(new MediaParticipant("room-w", "doctor"), "up"));
    }

    [Fact]
    public async Task MediaThatStops_IsReportedDownAtItsLastRelayedPacket_LongBeforeConsentLapses()
    {
        await using var harness = Harness();
        (WebRtcTestPeer patient, _) = await CallAsync(harness, "room-gap");
        var participant = new MediaParticipant("room-gap", "patient");

        await PlaneHarness.PublishAsync(TimeSpan.FromSeconds(1), patient);
        DateTimeOffset lastSent = DateTimeOffset.UtcNow;

        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.HasEvent(participant, "down"), TimeSpan.FromSeconds(5)),
            "no media-down within 5 s of the last packet (consent would lapse only after 30 s)");
        var down = harness.TimedEvents.Single(e => e.Participant == participant && e.Kind == "down");
        Assert.Equal("media_stopped", down.Reason);
        Assert.InRange(down.At, lastSent - Tolerance, lastSent + Tolerance);

        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(400), patient);
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.TimedEvents.Count(e => e.Participant == participant && e.Kind == "up") == 2));
        var ups = harness.TimedEvents.Where(e => e.Participant == participant && e.Kind == "up").ToList();
        Assert.True(ups[1].At > down.At, "the second interval starts after the gap");
    }

    [Fact]
    public async Task RelayedMedia_IsMarkedEveryMarkInterval_WithItsLastRelayedPacket()
    {
        await using var harness = Harness(idle: TimeSpan.FromSeconds(30));
        (WebRtcTestPeer patient, _) = await CallAsync(harness, "room-mark");
        var participant = new MediaParticipant("room-mark", "patient");

        await PlaneHarness.PublishAsync(TimeSpan.FromSeconds(1.5), patient);
        DateTimeOffset lastSent = DateTimeOffset.UtcNow;

        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Marks.Count(m => m.Participant == participant) >= 3));
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Marks.Any(m => m.Participant == participant && m.LastRelayedAt >= lastSent - Tolerance)));
        Assert.All(harness.Marks.Where(m => m.Participant == participant), m => Assert.True(m.LastRelayedAt <= lastSent + Tolerance));
    }

    [Fact]
    public async Task StoppingThePlane_EndsLiveMediaAtTheLastRelayedPacket()
    {
        await using var harness = Harness(idle: TimeSpan.FromSeconds(30));
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await CallAsync(harness, "room-stop");
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(600), patient, doctor);
        DateTimeOffset lastSent = DateTimeOffset.UtcNow;
        await Task.Delay(800);

        await harness.StopPlaneAsync();

        foreach (string who in new[] { "patient", "doctor" })
        {
            var down = Assert.Single(harness.TimedEvents, e => e.Participant == new MediaParticipant("room-stop", who) && e.Kind == "down");
            Assert.Equal("server_stopping", down.Reason);
            Assert.InRange(down.At, lastSent - Tolerance, lastSent + Tolerance);
        }
    }

    [Fact]
    public async Task ClosingASession_EndsItsLiveMediaAtTheLastRelayedPacket_NotAtTheClose()
    {
        await using var harness = Harness(idle: TimeSpan.FromSeconds(30));
        (WebRtcTestPeer patient, _) = await CallAsync(harness, "room-close");
        var participant = new MediaParticipant("room-close", "patient");
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(600), patient);
        DateTimeOffset lastSent = DateTimeOffset.UtcNow;
        await Task.Delay(1000);

        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);
        await harness.Plane.CloseAsync(participant, timeout.Token);

        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.HasEvent(participant, "down")));
        var down = harness.TimedEvents.Single(e => e.Participant == participant && e.Kind == "down");
        Assert.InRange(down.At, lastSent - Tolerance, lastSent + Tolerance);
    }
}
