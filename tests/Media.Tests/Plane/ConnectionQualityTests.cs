using Doctolib.Telehealth.Media.Testing;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>The quality indicator (issue 12): each participant's quality is told to the room once it is first read,
/// and again only when it changes: worse at once.</summary>
public sealed class ConnectionQualityTests
{
    [Fact]
    public async Task Quality_IsToldOnceWhenFirstRead_AndAReportedLossMakesItPoorAtOnce()
    {
        await using var harness = new PlaneHarness();
        WebRtcTestPeer patient = await harness.JoinAsync("room-q", "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync("room-q", "doctor");
        await harness.AdmitAsync("room-q", "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.ForwardsAmong(patient, doctor)), harness.Describe(patient, doctor));
        var participant = new MediaParticipant("room-q", "patient");

        await PlaneHarness.PublishAsync(TimeSpan.FromSeconds(1), patient, doctor);
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.NoticesAbout(participant).Contains(("quality", "good"))));
        await Task.Delay(600);
        Assert.Equal([("quality", "good")], harness.NoticesAbout(participant));

        patient.SendReceiverReport(doctor.VideoSsrc, fractionLost: 64); // 25 % lost
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(400), patient, doctor);

        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.NoticesAbout(participant).Contains(("quality", "poor"))),
            string.Join(", ", harness.NoticesAbout(participant)));
        var poor = harness.Notices.First(n => n.Participant == participant && n.Value == "poor");
        Assert.Equal(["doctor", "patient"], poor.Recipients.Order());
    }
}
