using Doctolib.Telehealth.Media.Plane;
using Doctolib.Telehealth.Media.Testing;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>ICE restart (RFC 8445 §9, JSEP §5.3.1) against the real plane: the participant offers new ICE
/// credentials on a live session; the server answers with new credentials of its own and keeps the session, its DTLS
/// association and SRTP contexts; media flows before, during (old credentials) and after the restart.</summary>
public sealed class IceRestartTests
{
    private static readonly TimeSpan Burst = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task IceRestart_NewCredentials_KeepsSessionAndMediaFlowsAfter()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, WebRtcTestPeer doctor, MediaParticipant participant) = await StartCallAsync(harness, "room-ir1");
        int portBefore = patient.LocalEndPoint.Port;

        await RestartAndCheckAsync(harness, patient, doctor, participant, moveToNewPort: false);

        Assert.Equal(portBefore, patient.LocalEndPoint.Port);
    }

    [Fact]
    public async Task IceRestart_ToANewLocalPort_KeepsSessionAndMediaFollowsThePeer()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, WebRtcTestPeer doctor, MediaParticipant participant) = await StartCallAsync(harness, "room-ir2");
        int portBefore = patient.LocalEndPoint.Port;

        await RestartAndCheckAsync(harness, patient, doctor, participant, moveToNewPort: true);

        Assert.NotEqual(portBefore, patient.LocalEndPoint.Port);
        ParticipantSession session = harness.Plane.FindSession(participant)!;
        Assert.NotNull(session.RemoteAddress);
        Assert.True(patient.LocalEndPoint.Serialize().Equals(session.RemoteAddress), "the server does not send to the peer's new port");
    }

    [Fact]
    public async Task IceRestart_Twice_KeepsSessionAndMediaFlows()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, WebRtcTestPeer doctor, MediaParticipant participant) = await StartCallAsync(harness, "room-ir3");

        await RestartAndCheckAsync(harness, patient, doctor, participant, moveToNewPort: true);
        await RestartAndCheckAsync(harness, patient, doctor, participant, moveToNewPort: false);

        Assert.Equal(2, patient.IceRestarts);
    }

    [Fact]
    public async Task ReOffer_WithSameCredentials_KeepsServerCredentials()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, _, MediaParticipant participant) = await StartCallAsync(harness, "room-ir4");
        ParticipantSession session = harness.Plane.FindSession(participant)!;
        string ufrag = session.LocalUfrag;
        string pwd = session.LocalPwd;

        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);
        string answer = await harness.Plane.AcceptOfferAsync(participant, patient.CreateOffer(), timeout.Token).WaitAsync(timeout.Token);

        ServerDescription server = TestPeerSdp.ReadServer(answer);
        Assert.Equal(ufrag, server.IceUfrag);
        Assert.Equal(pwd, server.IcePwd);
        Assert.Same(session, harness.Plane.FindSession(participant));
    }

    [Fact]
    public async Task ReOffer_WithOnlyANewPassword_IsAnIceRestartAndServerChangesItsCredentials()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, _, MediaParticipant participant) = await StartCallAsync(harness, "room-ir5");
        ParticipantSession session = harness.Plane.FindSession(participant)!;
        string ufrag = session.LocalUfrag;
        string pwd = session.LocalPwd;
        string restart = patient.CreateIceRestartOffer();
        string newUfrag = TestPeerSdp.ReadIceUfrag(restart);
        string offer = restart.Replace("a=ice-ufrag:" + newUfrag + "\r\n", "a=ice-ufrag:" + patient.Identity.IceUfrag + "\r\n", StringComparison.Ordinal);
        Assert.Contains("a=ice-ufrag:" + patient.Identity.IceUfrag + "\r\n", offer, StringComparison.Ordinal);

        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);
        string answer = await harness.Plane.AcceptOfferAsync(participant, offer, timeout.Token).WaitAsync(timeout.Token);

        ServerDescription server = TestPeerSdp.ReadServer(answer);
        Assert.NotEqual(ufrag, server.IceUfrag);
        Assert.NotEqual(pwd, server.IcePwd);
        Assert.Same(session, harness.Plane.FindSession(participant));
        Assert.False(harness.HasEvent(participant, "down"));
    }

    private static async Task<(WebRtcTestPeer Patient, WebRtcTestPeer Doctor, MediaParticipant Participant)> StartCallAsync(PlaneHarness harness, string room)
    {
        var options = new TestPeerOptions { ConsentInterval = TimeSpan.FromMilliseconds(100) };
        WebRtcTestPeer patient = await harness.JoinAsync(room, "patient", options);
        WebRtcTestPeer doctor = await harness.JoinAsync(room, "doctor", new TestPeerOptions { ConsentInterval = TimeSpan.FromMilliseconds(100) });
        await harness.AdmitAsync(room, "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Plane.Counters.KeyframeRequestsForwarded >= 2), harness.Describe(patient, doctor));

        await PlaneHarness.PublishAsync(Burst, patient, doctor);
        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, patient) && PlaneHarness.ReceivedAll(patient, doctor)),
            "before the restart: " + harness.Describe(patient, doctor));
        var participant = new MediaParticipant(room, "patient");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.HasEvent(participant, "up")));
        return (patient, doctor, participant);
    }

    private static async Task RestartAndCheckAsync(PlaneHarness harness, WebRtcTestPeer patient, WebRtcTestPeer doctor, MediaParticipant participant, bool moveToNewPort)
    {
        ParticipantSession session = harness.Plane.FindSession(participant)!;
        string oldUfrag = session.LocalUfrag;
        string oldPwd = session.LocalPwd;
        string oldPeerUfrag = patient.Identity.IceUfrag;
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);

        string offer = patient.CreateIceRestartOffer();
        Assert.DoesNotContain("a=ice-ufrag:" + oldPeerUfrag + "\r\n", offer, StringComparison.Ordinal);
        string answer = await harness.Plane.AcceptOfferAsync(participant, offer, timeout.Token).WaitAsync(timeout.Token);

        // JSEP §5.3.1: the answerer to an ICE restart changes its own ufrag and password too.
        ServerDescription server = TestPeerSdp.ReadServer(answer);
        Assert.NotEqual(oldUfrag, server.IceUfrag);
        Assert.NotEqual(oldPwd, server.IcePwd);
        Assert.Same(session, harness.Plane.FindSession(participant));

        // Until the peer uses the new credentials, the old ones keep working (consent runs every 100 ms on them).
        long rejected = harness.Plane.Counters.StunRejected;
        long answered = harness.Plane.Counters.StunAnswered;
        await PlaneHarness.PublishAsync(Burst, patient, doctor);
        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, patient) && PlaneHarness.ReceivedAll(patient, doctor)),
            "between offer and switch: " + harness.Describe(patient, doctor));
        Assert.True(harness.Plane.Counters.StunAnswered > answered, "consent on the old credentials was not answered");
        Assert.Equal(rejected, harness.Plane.Counters.StunRejected);

        await patient.CompleteIceRestartAsync(answer, moveToNewPort, timeout.Token).WaitAsync(timeout.Token);
        Assert.Equal(server.IceUfrag, session.LocalUfrag);

        long doctorGotBefore = doctor.Stream(patient.AudioSsrc)!.Packets + doctor.Stream(patient.VideoSsrc)!.Packets;
        long patientGotBefore = patient.Stream(doctor.AudioSsrc)!.Packets + patient.Stream(doctor.VideoSsrc)!.Packets;
        long patientSentBefore = patient.AudioPacketsSent + patient.VideoPacketsSent;
        long doctorSentBefore = doctor.AudioPacketsSent + doctor.VideoPacketsSent;
        long srtpFailures = harness.Plane.Counters.SrtpFailures;

        await PlaneHarness.PublishAsync(Burst, patient, doctor);

        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, patient) && PlaneHarness.ReceivedAll(patient, doctor)),
            "after the restart: " + harness.Describe(patient, doctor));
        long patientSentAfter = patient.AudioPacketsSent + patient.VideoPacketsSent - patientSentBefore;
        long doctorSentAfter = doctor.AudioPacketsSent + doctor.VideoPacketsSent - doctorSentBefore;
        Assert.True(patientSentAfter > 0 && doctorSentAfter > 0);
        Assert.Equal(patientSentAfter, doctor.Stream(patient.AudioSsrc)!.Packets + doctor.Stream(patient.VideoSsrc)!.Packets - doctorGotBefore);
        Assert.Equal(doctorSentAfter, patient.Stream(doctor.AudioSsrc)!.Packets + patient.Stream(doctor.VideoSsrc)!.Packets - patientGotBefore);

        // Same DTLS association and SRTP contexts: nothing failed to decrypt on either side, nothing went down.
        Assert.Equal(srtpFailures, harness.Plane.Counters.SrtpFailures);
        Assert.Equal(0, patient.UndecryptablePackets);
        Assert.Same(session, harness.Plane.FindSession(participant));
        Assert.False(harness.HasEvent(participant, "down"), string.Join(",", harness.Events.Select(e => e.Kind + ":" + e.Reason)));
    }
}
