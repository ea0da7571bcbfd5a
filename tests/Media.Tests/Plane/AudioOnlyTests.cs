using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Plane;
using Doctolib.Telehealth.Media.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>Audio only (issue 12): by hand or for a weak downlink, the server stops forwarding video to one receiver,
/// keeps its audio and everything else; resuming asks the publisher for a keyframe. Every change is told to the room.</summary>
public sealed class AudioOnlyTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);

    private static TestPeerOptions RembOnly => new() { TransportWideCcExtensionId = 0 };

    /// <summary>A call of two admitted peers. <paramref name="patientOptions"/> lets a test make the patient a REMB-only peer
    /// (no transport-cc), whose downlink estimate the test then sets itself: with transport-cc the plane's own estimator
    /// writes it from the patient's feedback.</summary>
    private static async Task<(WebRtcTestPeer Patient, WebRtcTestPeer Doctor)> CallAsync(PlaneHarness harness, string room, TestPeerOptions? patientOptions = null)
    {
        WebRtcTestPeer patient = await harness.JoinAsync(room, "patient", patientOptions);
        WebRtcTestPeer doctor = await harness.JoinAsync(room, "doctor");
        await harness.AdmitAsync(room, "patient", "doctor");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.ForwardsAmong(patient, doctor)), harness.Describe(patient, doctor));
        // The keyframe requests of the new subscriptions, so a later one is the resume's own.
        Assert.True(await PlaneHarness.EventuallyAsync(() => patient.PlisReceived >= 1 && doctor.PlisReceived >= 1));
        return (patient, doctor);
    }

    private static Task SetAudioOnlyAsync(PlaneHarness harness, string room, string participant, bool audioOnly) =>
        harness.Plane.SetAudioOnlyAsync(new MediaParticipant(room, participant), audioOnly, CancellationToken.None).WaitAsync(PlaneHarness.Timeout);

    private static long Packets(WebRtcTestPeer receiver, uint ssrc) => receiver.Stream(ssrc)?.Packets ?? 0;

    [Fact]
    public async Task AudioOnlyChosen_StopsVideoToTheChooser_KeepsItsAudio_AndLeavesTheOtherDirectionWhole()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await CallAsync(harness, "room-ao");

        await SetAudioOnlyAsync(harness, "room-ao", "patient", true);
        await PlaneHarness.PublishAsync(TimeSpan.FromSeconds(1), patient, doctor);

        Assert.True(await PlaneHarness.EventuallyAsync(() => Packets(patient, doctor.AudioSsrc) == doctor.AudioPacketsSent), harness.Describe(patient, doctor));
        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(doctor, patient)), harness.Describe(patient, doctor));
        Assert.Equal(0, Packets(patient, doctor.VideoSsrc));
        var notice = Assert.Single(harness.Notices, n => n.Kind == "paused");
        Assert.Equal(new MediaParticipant("room-ao", "patient"), notice.Participant);
        Assert.Equal("audio_only_chosen", notice.Value);
        Assert.Equal(["doctor", "patient"], notice.Recipients.Order());
    }

    [Fact]
    public async Task AudioOnlyGivenUp_ResumesVideo_AndAsksThePublisherForAKeyframe()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await CallAsync(harness, "room-ar");
        await SetAudioOnlyAsync(harness, "room-ar", "patient", true);
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(400), doctor);
        long plisBefore = doctor.PlisReceived;

        await SetAudioOnlyAsync(harness, "room-ar", "patient", false);

        Assert.True(await PlaneHarness.EventuallyAsync(() => doctor.PlisReceived > plisBefore), "no keyframe request on resume");
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(400), doctor);
        Assert.True(await PlaneHarness.EventuallyAsync(() => Packets(patient, doctor.VideoSsrc) > 0), harness.Describe(patient, doctor));
        Assert.True(await PlaneHarness.EventuallyAsync(() => patient.Stream(doctor.VideoSsrc)?.Keyframes > 0), "no keyframe reached the patient after the resume");
        var participant = new MediaParticipant("room-ar", "patient");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.NoticesAbout(participant).Any(n => n.Kind == "resumed")));
        Assert.Equal([("paused", "audio_only_chosen"), ("resumed", null)],
            harness.NoticesAbout(participant).Where(n => n.Kind != "quality").ToList());
    }

    [Fact]
    public async Task AfterAResume_NacksForVideoSkippedWhilePaused_AreNotAnswered_ButLaterLossIsRepaired()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await CallAsync(harness, "room-gap");
        await SetAudioOnlyAsync(harness, "room-gap", "patient", true);
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(400), doctor);
        var doctorVideo = harness.Session("room-gap", "doctor").FindTrack(doctor.VideoSsrc)!;
        Assert.True(await PlaneHarness.EventuallyAsync(() => doctorVideo.Statistics.Received == doctor.VideoPacketsSent));
        await SetAudioOnlyAsync(harness, "room-gap", "patient", false);
        long retransmissions = harness.Plane.Counters.Retransmissions;

        // The doctor's test peer numbers its video from 0: this one, skipped while paused, is still in the server's buffer.
        patient.SendNack(doctor.VideoSsrc, (ushort)(doctor.VideoPacketsSent - 2));
        patient.DiscardNextAndNack(doctor.VideoSsrc);
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(400), doctor);

        // NACKs are handled in order on the receive loop: once the later one is answered, the first was handled.
        Assert.True(await PlaneHarness.EventuallyAsync(() => patient.Stream(doctor.VideoSsrc)?.Recovered == 1), harness.Describe(patient, doctor));
        Assert.Equal(retransmissions + 1, harness.Plane.Counters.Retransmissions);
    }

    [Fact]
    public async Task ForwardingVideoToAPausedReceiver_SendsNothing_AndAllocatesNothing()
    {
        await using var harness = new PlaneHarness();
        (_, WebRtcTestPeer doctor) = await CallAsync(harness, "room-alloc");
        await SetAudioOnlyAsync(harness, "room-alloc", "patient", true);
        var video = harness.Session("room-alloc", "doctor").FindTrack(doctor.VideoSsrc)!;
        byte[] packet = new byte[1000];
        Doctolib.Telehealth.Media.Rtp.RtpHeader.WriteFixed(packet, false, 96, 1, 0, doctor.VideoSsrc, hasExtension: false);
        harness.Plane.Forwarder.Forward(video, packet);

        long before = GC.GetAllocatedBytesForCurrentThread();
        int sent = 0;
        for (int i = 0; i < 10_000; i++)
        {
            sent += harness.Plane.Forwarder.Forward(video, packet);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0, sent);
    }

    [Fact]
    public async Task LowDownlinkEstimate_HeldForTwoSeconds_PausesVideo_AndFourSecondsOfRecoveryResumeIt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = new PlaneHarness(o => o.ConsentCheckInterval = Tick, time);
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await CallAsync(harness, "room-weak", RembOnly);
        var participant = new MediaParticipant("room-weak", "patient");
        ParticipantSession session = harness.Session("room-weak", "patient");

        session.DownlinkEstimateBps = 100_000;
        await AdvanceAsync(harness, time, TimeSpan.FromSeconds(1.4));
        Assert.False(session.VideoPaused, "paused before the estimate was low for 2 s");
        await AdvanceAsync(harness, time, TimeSpan.FromSeconds(1.2));
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.NoticesAbout(participant).Contains(("paused", "weak_connection"))));

        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(600), doctor);
        Assert.True(await PlaneHarness.EventuallyAsync(() => Packets(patient, doctor.AudioSsrc) == doctor.AudioPacketsSent), harness.Describe(patient, doctor));
        Assert.Equal(0, Packets(patient, doctor.VideoSsrc));

        long plisBefore = doctor.PlisReceived;
        session.DownlinkEstimateBps = 1_000_000;
        await AdvanceAsync(harness, time, TimeSpan.FromSeconds(3));
        Assert.True(session.VideoPaused, "resumed before the estimate had recovered for 4 s");
        await AdvanceAsync(harness, time, TimeSpan.FromSeconds(1.6));
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.NoticesAbout(participant).Contains(("resumed", null))));
        Assert.True(await PlaneHarness.EventuallyAsync(() => doctor.PlisReceived > plisBefore), "no keyframe request on resume");
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(400), doctor);
        Assert.True(await PlaneHarness.EventuallyAsync(() => Packets(patient, doctor.VideoSsrc) > 0), harness.Describe(patient, doctor));
    }

    [Fact]
    public async Task UplinkQueuingUnder150Kbps_PausesVideoToThatParticipant_AndTellsTheRoom_WithinASecond()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = new PlaneHarness(o => o.ConsentCheckInterval = Tick, time);
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await CallAsync(harness, "room-uplink");
        var participant = new MediaParticipant("room-uplink", "patient");
        ParticipantSession session = harness.Session("room-uplink", "patient");
        var audio = session.FindTrack(patient.AudioSsrc)!;

        // 20 ms of media every 20 ms, then as out of a full 70 kbit queue: each packet once the one before it has been
        // serialised (about 150 ms per tick of 1,250 bytes of video and one audio packet), so each tick's audio arrives
        // about 130 ms later than the one before.
        await SendTicksAsync(patient, audio, time, 25, TimeSpan.FromMilliseconds(20));
        Assert.False(session.VideoPaused);
        await SendThroughQueueAsync(patient, session, time, 5);

        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.NoticesAbout(participant).Contains(("paused", "weak_connection"))));
        Assert.True(session.VideoPaused);
        Assert.True(session.PausedByDecision);
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(400), doctor);
        Assert.True(await PlaneHarness.EventuallyAsync(() => Packets(patient, doctor.AudioSsrc) == doctor.AudioPacketsSent), harness.Describe(patient, doctor));
        Assert.Equal(0, Packets(patient, doctor.VideoSsrc));
        Assert.DoesNotContain(harness.NoticesAbout(new MediaParticipant("room-uplink", "doctor")), n => n.Kind == "paused");
    }

    [Fact]
    public async Task WhileAPublishersUplinkIsWeak_ItsVideoGapsAreNotNacked_ThoughTheyAreBefore()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = new PlaneHarness(o => o.ConsentCheckInterval = Tick, time);
        (WebRtcTestPeer patient, _) = await CallAsync(harness, "room-uplink-nack");
        var participant = new MediaParticipant("room-uplink-nack", "patient");
        var audio = harness.Session("room-uplink-nack", "patient").FindTrack(patient.AudioSsrc)!;
        await SendTicksAsync(patient, audio, time, 25, TimeSpan.FromMilliseconds(20));
        patient.SkipNextVideoPacket();
        await SendTicksAsync(patient, audio, time, 3, TimeSpan.FromMilliseconds(20));
        ushort before = (ushort)patient.LastSkippedVideoSequence;
        Assert.True(await PlaneHarness.EventuallyAsync(() => patient.Nacked.Contains((patient.VideoSsrc, before))), "the gap before was not NACKed");

        await SendThroughQueueAsync(patient, harness.Session("room-uplink-nack", "patient"), time, 5);
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.NoticesAbout(participant).Contains(("paused", "weak_connection"))));
        patient.SkipNextVideoPacket();
        await SendTicksAsync(patient, audio, time, 10, TimeSpan.FromMilliseconds(20));
        ushort during = (ushort)patient.LastSkippedVideoSequence;

        // A later control packet: once the server has NACKed nothing by the time it has it, the gap was passed over.
        Assert.True(await PlaneHarness.EventuallyAsync(() => audio.Statistics.Received >= 43));
        Assert.DoesNotContain((patient.VideoSsrc, during), patient.Nacked);
    }

    /// <summary>Sends <paramref name="count"/> ticks of the peer's media, each once the server has the previous one,
    /// moving the plane's clock <paramref name="spacing"/> after each.</summary>
    private static async Task SendTicksAsync(WebRtcTestPeer peer, Doctolib.Telehealth.Media.Forwarding.PublishedTrack audio, FakeTimeProvider time,
        int count, TimeSpan spacing)
    {
        for (int i = 0; i < count; i++)
        {
            long received = audio.Statistics.Received;
            peer.SendTick();
            Assert.True(await PlaneHarness.EventuallyAsync(() => audio.Statistics.Received > received), "the server did not get the tick");
            time.Advance(spacing);
        }
    }

    /// <summary>A sender that only slowed down (a CPU-starved browser): its ticks come 160 ms apart, so its audio grows
    /// late as behind a queue, but each tick's packets arrive together, not spaced by a link's serialisation.</summary>
    [Fact]
    public async Task SenderSlowedDown_ItsAudioLateButItsPacketsNotSpacedByALink_PausesNothing()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = new PlaneHarness(o => o.ConsentCheckInterval = Tick, time);
        (WebRtcTestPeer patient, _) = await CallAsync(harness, "room-slow");
        var participant = new MediaParticipant("room-slow", "patient");
        ParticipantSession session = harness.Session("room-slow", "patient");
        var audio = session.FindTrack(patient.AudioSsrc)!;

        await SendTicksAsync(patient, audio, time, 25, TimeSpan.FromMilliseconds(20));
        await SendTicksAsync(patient, audio, time, 8, TimeSpan.FromMilliseconds(160));
        await SendTicksAsync(patient, audio, time, 10, TimeSpan.FromMilliseconds(20));

        // The detector's reading lasts 8 s (the clock moved 1.5 s), and the ticks after the slow ones were read after it.
        Assert.False(session.IsUplinkWeak(BweClock.Micros(time)), "the uplink was read as weak");
        Assert.False(session.PausedByDecision);
        Assert.DoesNotContain(harness.NoticesAbout(participant), n => n.Kind == "paused");
    }

    /// <summary>Sends <paramref name="ticks"/> ticks as a full bottleneck queue of 70 kbps lets them out: the video frame,
    /// then the audio packet, each arriving once the link has serialised it after the one before (the plane's clock is
    /// moved on by that time first). The sizes are those of the ticks sent before.</summary>
    private static async Task SendThroughQueueAsync(WebRtcTestPeer peer, ParticipantSession session, FakeTimeProvider time, int ticks)
    {
        const long rateBps = 70_000;
        var audio = session.FindTrack(peer.AudioSsrc)!;
        var video = session.FindTrack(peer.VideoSsrc)!;
        long frameSerialisation = video.Statistics.Bytes / Math.Max(1, peer.AudioPacketsSent) * 8 * 1_000_000 / rateBps;
        long audioSerialisation = audio.Statistics.Bytes / Math.Max(1, audio.Statistics.Received) * 8 * 1_000_000 / rateBps;
        for (int i = 0; i < ticks; i++)
        {
            time.Advance(TimeSpan.FromMicroseconds(frameSerialisation));
            long videoBefore = video.Statistics.Received;
            long sentBefore = peer.VideoPacketsSent;
            peer.SendVideoFrame();
            long frame = peer.VideoPacketsSent - sentBefore;
            Assert.True(await PlaneHarness.EventuallyAsync(() => video.Statistics.Received >= videoBefore + frame), "the server did not get the frame");

            time.Advance(TimeSpan.FromMicroseconds(audioSerialisation));
            long audioBefore = audio.Statistics.Received;
            peer.SendAudioPacket();
            Assert.True(await PlaneHarness.EventuallyAsync(() => audio.Statistics.Received > audioBefore), "the server did not get the audio");
        }
    }

    [Fact]
    public async Task UnknownEstimate_NeverPausesVideo()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = new PlaneHarness(o => o.ConsentCheckInterval = Tick, time);
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await CallAsync(harness, "room-unknown", RembOnly);
        ParticipantSession session = harness.Session("room-unknown", "patient");

        session.DownlinkEstimateBps = 0;
        await AdvanceAsync(harness, time, TimeSpan.FromSeconds(10));
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(600), doctor);

        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(patient, doctor)), harness.Describe(patient, doctor));
        Assert.False(session.VideoPaused);
        Assert.DoesNotContain(harness.Notices, n => n.Kind is "paused" or "resumed");
    }

    [Fact]
    public async Task AudioOnlyChosenBeforeTheMediaSession_HoldsOnceTheSessionExists()
    {
        await using var harness = new PlaneHarness();
        await SetAudioOnlyAsync(harness, "room-early", "patient", true);
        (WebRtcTestPeer patient, WebRtcTestPeer doctor) = await CallAsync(harness, "room-early");

        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(600), doctor);

        Assert.True(await PlaneHarness.EventuallyAsync(() => Packets(patient, doctor.AudioSsrc) == doctor.AudioPacketsSent), harness.Describe(patient, doctor));
        Assert.Equal(0, Packets(patient, doctor.VideoSsrc));
        Assert.True(harness.Session("room-early", "patient").VideoPaused);
    }

    [Fact]
    public async Task AudioOnlyChoice_HoldsAcrossAReload_AndTheNewPageIsToldItAgain()
    {
        await using var harness = new PlaneHarness();
        (WebRtcTestPeer before, WebRtcTestPeer doctor) = await CallAsync(harness, "room-reload");
        await SetAudioOnlyAsync(harness, "room-reload", "patient", true);
        var participant = new MediaParticipant("room-reload", "patient");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.NoticesAbout(participant).Count(n => n.Kind == "paused") == 1));

        WebRtcTestPeer reloaded = await harness.JoinAsync("room-reload", "patient"); // a new peer connection: new certificate
        await before.DisposeAsync(); // the harness now holds the new one
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.ForwardsAmong(reloaded, doctor)), harness.Describe(reloaded, doctor));
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(600), doctor);

        Assert.True(await PlaneHarness.EventuallyAsync(() => Packets(reloaded, doctor.AudioSsrc) == doctor.AudioPacketsSent), harness.Describe(reloaded, doctor));
        Assert.Equal(0, Packets(reloaded, doctor.VideoSsrc));
        Assert.Equal([("paused", "audio_only_chosen"), ("paused", "audio_only_chosen")],
            harness.NoticesAbout(participant).Where(n => n.Kind != "quality").ToList());
    }

    /// <summary>Moves the plane's clock one check interval at a time, letting each tick run.</summary>
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
