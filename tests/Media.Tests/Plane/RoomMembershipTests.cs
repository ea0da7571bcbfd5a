using Doctolib.Telehealth.Media.Testing;
namespace Doctolib.Telehealth.Media.Tests.Plane;

public sealed class RoomMembershipTests
{
    private static readonly TimeSpan Burst = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ThirdPeer_JoiningAnAdmittedRoom_EveryoneReceivesEveryone()
    {
        await using var harness = new PlaneHarness();
        WebRtcTestPeer a = await harness.JoinAsync("room-3", "a");
        WebRtcTestPeer b = await harness.JoinAsync("room-3", "b");
        await harness.AdmitAsync("room-3", "a", "b");
        WebRtcTestPeer c = await harness.JoinAsync("room-3", "c");
        await harness.AdmitAsync("room-3", "a", "b", "c");

        // Each of the three receives the two others. A publisher still finishing DTLS when both others subscribed
        // gets one keyframe request for both, so the count of requests is not the measure; the subscriptions are.
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.ForwardsAmong(a, b, c)), harness.Describe(a, b, c));
        Assert.True(await PlaneHarness.EventuallyAsync(() => a.PlisReceived > 0 && b.PlisReceived > 0 && c.PlisReceived > 0), harness.Describe(a, b, c));
        await PlaneHarness.PublishAsync(Burst, a, b, c);

        Assert.True(await PlaneHarness.EventuallyAsync(() =>
            PlaneHarness.ReceivedAll(a, b) && PlaneHarness.ReceivedAll(a, c)
            && PlaneHarness.ReceivedAll(b, a) && PlaneHarness.ReceivedAll(b, c)
            && PlaneHarness.ReceivedAll(c, a) && PlaneHarness.ReceivedAll(c, b)), harness.Describe(a, b, c));
        Assert.Equal(4, c.Streams.Count);
    }

    [Fact]
    public async Task NonAdmittedPeer_InTheRoom_ReceivesNothingAndIsNotForwarded()
    {
        await using var harness = new PlaneHarness();
        WebRtcTestPeer patient = await harness.JoinAsync("room-4", "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync("room-4", "doctor");
        WebRtcTestPeer waiting = await harness.JoinAsync("room-4", "waiting");
        await harness.AdmitAsync("room-4", "patient", "doctor");

        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Plane.Counters.KeyframeRequestsForwarded >= 2), harness.Describe(patient, doctor, waiting));
        await PlaneHarness.PublishAsync(Burst, patient, doctor, waiting);

        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, patient) && PlaneHarness.ReceivedAll(patient, doctor)));
        Assert.Empty(waiting.Streams);
        Assert.Null(doctor.Stream(waiting.VideoSsrc));
        Assert.Null(patient.Stream(waiting.AudioSsrc));
        Assert.True(waiting.VideoPacketsSent > 0);
    }

    [Fact]
    public async Task SetAdmitted_WithoutAParticipant_StopsForwardingToAndFromIt()
    {
        await using var harness = new PlaneHarness();
        WebRtcTestPeer patient = await harness.JoinAsync("room-5", "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync("room-5", "doctor");
        await harness.AdmitAsync("room-5", "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Plane.Counters.KeyframeRequestsForwarded >= 2));
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(400), patient, doctor);
        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, patient)));

        await harness.AdmitAsync("room-5", "doctor");
        long before = doctor.Stream(patient.VideoSsrc)!.Packets;
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(400), patient, doctor);
        await Task.Delay(200);

        Assert.Equal(before, doctor.Stream(patient.VideoSsrc)!.Packets);
        Assert.True(patient.VideoPacketsSent > before);
    }
}
