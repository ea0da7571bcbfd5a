using Doctolib.Telehealth.Media.Testing;
namespace Doctolib.Telehealth.Media.Tests.Plane;

public sealed class RtcpFeedbackTests
{
    [Fact]
    public async Task Nack_FromAReceiver_IsAnsweredWithARetransmission()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await ConnectPairAsync(harness, "room-n");

        doctor.DiscardNextAndNack(patient.VideoSsrc);
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(500), patient);

        Assert.True(await PlaneHarness.EventuallyAsync(() => doctor.Stream(patient.VideoSsrc)?.Recovered == 1), harness.Describe(patient, doctor));
        Assert.True(harness.Plane.Counters.NacksReceived >= 1);
        Assert.True(harness.Plane.Counters.Retransmissions >= 1);
        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, patient)), harness.Describe(patient, doctor));
    }

    [Fact]
    public async Task Pli_FromAReceiver_ReachesThePublisher()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await ConnectPairAsync(harness, "room-p");
        await Task.Delay(400);
        long before = patient.PlisReceived;

        doctor.SendPli(patient.VideoSsrc);

        Assert.True(await PlaneHarness.EventuallyAsync(() => patient.PlisReceived > before));
    }

    [Fact]
    public async Task NewSubscriber_GetsAKeyframeRequestedFromThePublisher()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await ConnectPairAsync(harness, "room-k");

        Assert.True(await PlaneHarness.EventuallyAsync(() => patient.PlisReceived >= 1 && doctor.PlisReceived >= 1));
    }

    [Fact]
    public async Task Publisher_GetsRembAndReceiverReports_ThatLetItsVideoClimb()
    {
        await using var harness = new PlaneHarness(o => o.ConsentCheckInterval = TimeSpan.FromMilliseconds(250));
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await ConnectPairAsync(harness, "room-r");

        await PlaneHarness.PublishAsync(TimeSpan.FromSeconds(1), patient, doctor);

        Assert.True(await PlaneHarness.EventuallyAsync(() => patient.LastRembBps >= 2_500_000 && patient.ReceiverReportsReceived >= 1));
    }

    private static async Task<(WebRtcTestPeer, WebRtcTestPeer)> ConnectPairAsync(PlaneHarness harness, string room)
    {
        WebRtcTestPeer patient = await harness.JoinAsync(room, "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync(room, "doctor");
        await harness.AdmitAsync(room, "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Plane.Counters.KeyframeRequestsForwarded >= 2));
        return (patient, doctor);
    }
}
