using Doctolib.Telehealth.Media.Testing;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>SSRCs belong to the session that announced them: a peer in another room that announces the same SSRCs
/// cannot take over the RTCP routing of the room that uses them, and inside one room a second claim is refused.</summary>
public sealed class SsrcOwnershipTests
{
    [Fact]
    public async Task PeerInAnotherRoom_AnnouncingARoomsSsrcs_DoesNotTakeOverItsFeedback()
    {
        await using var harness = new PlaneHarness();
        WebRtcTestPeer patient = await harness.JoinAsync("room-owner", "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync("room-owner", "doctor");
        await harness.AdmitAsync("room-owner", "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.ForwardsAmong(patient, doctor)), harness.Describe(patient, doctor));

        WebRtcTestPeer intruder = await harness.JoinAsync("room-other", "intruder",
            new TestPeerOptions { AudioSsrc = patient.AudioSsrc, VideoSsrc = patient.VideoSsrc });
        WebRtcTestPeer accomplice = await harness.JoinAsync("room-other", "accomplice");
        await harness.AdmitAsync("room-other", "intruder", "accomplice");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.ForwardsAmong(intruder, accomplice)), harness.Describe(intruder, accomplice));
        await Task.Delay(400); // past the keyframe-request spacing of the joins
        long patientPlis = patient.PlisReceived;
        long intruderPlis = intruder.PlisReceived;

        doctor.SendPli(patient.VideoSsrc);
        doctor.DiscardNextAndNack(patient.VideoSsrc);
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(500), patient);

        Assert.True(await PlaneHarness.EventuallyAsync(() => patient.PlisReceived > patientPlis), harness.Describe(patient, doctor, intruder));
        Assert.True(await PlaneHarness.EventuallyAsync(() => doctor.Stream(patient.VideoSsrc)?.Recovered == 1), harness.Describe(patient, doctor));
        Assert.Equal(intruderPlis, intruder.PlisReceived);
        Assert.True(harness.Forwards(patient, doctor));
    }

    [Fact]
    public async Task SecondParticipantOfARoom_AnnouncingAnSsrcAlreadyPublished_IsRefused()
    {
        await using var harness = new PlaneHarness();
        WebRtcTestPeer patient = await harness.JoinAsync("room-claim", "patient");
        await using WebRtcTestPeer copycat = WebRtcTestPeer.Create("copycat", new TestPeerOptions { VideoSsrc = patient.VideoSsrc });

        var error = await Assert.ThrowsAsync<MediaNegotiationException>(() =>
            harness.Plane.AcceptOfferAsync(new MediaParticipant("room-claim", "copycat"), copycat.CreateOffer(), CancellationToken.None)
                .WaitAsync(PlaneHarness.Timeout));

        Assert.Contains("SSRC", error.Message, StringComparison.Ordinal);
        Assert.Null(harness.Plane.FindSession(new MediaParticipant("room-claim", "copycat")));
    }
}
