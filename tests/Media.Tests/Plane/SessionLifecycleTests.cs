using Doctolib.Telehealth.Media.Testing;
namespace Doctolib.Telehealth.Media.Tests.Plane;

public sealed class SessionLifecycleTests
{
    [Fact]
    public async Task Peer_WhoseConsentLapses_IsReportedMediaDown()
    {
        await using var harness = new PlaneHarness(o => o.ConsentTimeout = TimeSpan.FromSeconds(2));
        WebRtcTestPeer patient = await harness.JoinAsync("room-c", "patient", new TestPeerOptions { ConsentInterval = TimeSpan.FromMilliseconds(100) });
        WebRtcTestPeer doctor = await harness.JoinAsync("room-c", "doctor", new TestPeerOptions { ConsentInterval = TimeSpan.FromMilliseconds(100) });
        await harness.AdmitAsync("room-c", "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Forwards(patient, doctor)), harness.Describe(patient, doctor));
        var participant = new MediaParticipant("room-c", "patient");
        await patient.PublishAsync(TimeSpan.FromMilliseconds(500), CancellationToken.None).WaitAsync(PlaneHarness.Timeout);
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.HasEvent(participant, "up")));
        Assert.False(harness.HasEvent(participant, "down"));

        patient.StopConsent();

        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.HasEvent(participant, "down")));
        Assert.Contains(harness.Events, e => e.Participant == participant && e.Reason == "consent_lapsed");
    }

    [Fact]
    public async Task Peer_KeepingConsent_IsNotReportedDown()
    {
        await using var harness = new PlaneHarness(o => o.ConsentTimeout = TimeSpan.FromSeconds(2));
        WebRtcTestPeer patient = await harness.JoinAsync("room-k", "patient", new TestPeerOptions { ConsentInterval = TimeSpan.FromMilliseconds(100) });
        WebRtcTestPeer doctor = await harness.JoinAsync("room-k", "doctor", new TestPeerOptions { ConsentInterval = TimeSpan.FromMilliseconds(100) });
        await harness.AdmitAsync("room-k", "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Forwards(patient, doctor)), harness.Describe(patient, doctor));
        await patient.PublishAsync(TimeSpan.FromSeconds(3), CancellationToken.None).WaitAsync(PlaneHarness.Timeout);

        var participant = new MediaParticipant("room-k", "patient");
        Assert.True(harness.HasEvent(participant, "up"));
        Assert.False(harness.HasEvent(participant, "down"), harness.Describe(patient) + " events: " + string.Join(",", harness.Events.Select(e => e.Kind + ":" + e.Reason)));
    }

    [Fact]
    public async Task CloseAsync_OnALiveSession_ReportsMediaDownAndStopsForwarding()
    {
        await using var harness = new PlaneHarness();
        WebRtcTestPeer patient = await harness.JoinAsync("room-x", "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync("room-x", "doctor");
        await harness.AdmitAsync("room-x", "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Plane.Counters.KeyframeRequestsForwarded >= 2));
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(200), patient);
        var participant = new MediaParticipant("room-x", "patient");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.HasEvent(participant, "up")));

        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);
        await harness.Plane.CloseAsync(participant, timeout.Token);
        long forwarded = harness.Plane.Counters.RtpForwarded;
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(200), patient);
        await Task.Delay(100);

        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.HasEvent(participant, "down")));
        Assert.Equal(forwarded, harness.Plane.Counters.RtpForwarded);
    }

    [Fact]
    public async Task AcceptOffer_WithSomethingThatIsNotSdp_ThrowsMediaNegotiationException()
    {
        await using var harness = new PlaneHarness();
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);

        await Assert.ThrowsAsync<MediaNegotiationException>(() =>
            harness.Plane.AcceptOfferAsync(new MediaParticipant("r", "p"), "hello", timeout.Token));
    }

    [Fact]
    public async Task AcceptOffer_WithoutFingerprint_ThrowsMediaNegotiationException()
    {
        await using var harness = new PlaneHarness();
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);
        WebRtcTestPeer peer = WebRtcTestPeer.Create("nofp");
        await using (peer)
        {
            string offer = string.Join("\r\n", peer.CreateOffer().Split("\r\n").Where(l => !l.StartsWith("a=fingerprint", StringComparison.Ordinal)));

            MediaNegotiationException error = await Assert.ThrowsAsync<MediaNegotiationException>(() =>
                harness.Plane.AcceptOfferAsync(new MediaParticipant("r", "p"), offer, timeout.Token));
            Assert.Contains("fingerprint", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AcceptOffer_WithADataChannelSection_RejectsItWithItsOwnProtocolAndKeepsMedia()
    {
        await using var harness = new PlaneHarness();
        await using WebRtcTestPeer peer = WebRtcTestPeer.Create("dc");
        string offer = peer.CreateOffer().Replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2", StringComparison.Ordinal)
            + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\na=sctp-port:5000\r\n";
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);

        string answer = await harness.Plane.AcceptOfferAsync(new MediaParticipant("r", "dc"), offer, timeout.Token);

        Assert.Contains("m=application 0 UDP/DTLS/SCTP webrtc-datachannel", answer, StringComparison.Ordinal);
        Assert.Contains("a=group:BUNDLE 0 1\r\n", answer, StringComparison.Ordinal);
        Assert.Contains($"m=audio {harness.Plane.LocalEndPoint.Port} UDP/TLS/RTP/SAVPF 111", answer, StringComparison.Ordinal);
        Assert.Contains("a=recvonly", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Participant_ReloadingWithANewPeerConnection_ReplacesItsSessionAndMediaComesBack()
    {
        await using var harness = new PlaneHarness();
        WebRtcTestPeer patient = await harness.JoinAsync("room-reload", "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync("room-reload", "doctor");
        await harness.AdmitAsync("room-reload", "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Plane.Counters.KeyframeRequestsForwarded >= 2));
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(200), patient);
        var participant = new MediaParticipant("room-reload", "patient");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.HasEvent(participant, "up")));

        // The page reloads: a new peer connection (new certificate, new ICE credentials) offers for the same participant.
        WebRtcTestPeer reloaded = await harness.JoinAsync("room-reload", "patient");
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(400), reloaded, doctor);

        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, reloaded) && PlaneHarness.ReceivedAll(reloaded, doctor)),
            harness.Describe(reloaded, doctor));
        Assert.Contains(harness.Events, e => e.Participant == participant && e.Kind == "down" && e.Reason == "replaced_by_new_peer_connection");
        Assert.Equal(2, harness.Events.Count(e => e.Participant == participant && e.Kind == "up"));
        await patient.DisposeAsync();
    }
}
