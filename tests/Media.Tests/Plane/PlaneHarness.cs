using System.Collections.Concurrent;
using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Plane;
using Doctolib.Telehealth.Media.Testing;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>A real <see cref="MediaPlane"/> on an ephemeral loopback port, with a signal sink that records the
/// server's re-offers and (unless <see cref="AnswerOffers"/> is off) hands each to the matching test peer and returns
/// its answer, and an observer that records media up/down.</summary>
internal sealed class PlaneHarness : IAsyncDisposable, IMediaSignalSink, IMediaObserver
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<MediaParticipant, WebRtcTestPeer> _peers = new();
    private readonly Task _run;

    public PlaneHarness(Action<MediaOptions>? configure = null, TimeProvider? time = null)
    {
        // A long relay-idle timeout by default: tests that pause between bursts mean "down" as "the session ended";
        // the relay tests set their own.
        var options = new MediaOptions
        {
            UdpPort = 0, ConsentTimeout = TimeSpan.FromSeconds(30), ConsentCheckInterval = TimeSpan.FromMilliseconds(200),
            RelayIdleTimeout = TimeSpan.FromSeconds(30),
        };
        configure?.Invoke(options);
        Plane = new MediaPlane(options, this, this, time ?? TimeProvider.System, null);
        _run = Plane.RunAsync(_stop.Token);
    }

    public MediaPlane Plane { get; }

    public ConcurrentQueue<(MediaParticipant Participant, string Kind, string? Reason)> Events { get; } = new();

    /// <summary>The same events with the time the plane gave them.</summary>
    public ConcurrentQueue<(MediaParticipant Participant, string Kind, string? Reason, DateTimeOffset At)> TimedEvents { get; } = new();

    /// <summary>Every relay mark the plane reported.</summary>
    public ConcurrentQueue<RelayMark> Marks { get; } = new();

    public int OffersSent => _offers;

    /// <summary>Every video-paused, video-resumed and connection-quality notice, in order: kind is <c>paused</c>,
    /// <c>resumed</c> or <c>quality</c>; value the reason or the quality (snake_case as on the wire).</summary>
    public ConcurrentQueue<(MediaParticipant Participant, string Kind, string? Value, IReadOnlyCollection<string> Recipients)> Notices { get; } = new();

    /// <summary>The notices about one participant, in order.</summary>
    public List<(string Kind, string? Value)> NoticesAbout(MediaParticipant participant) =>
        Notices.Where(n => n.Participant == participant).Select(n => (n.Kind, n.Value)).ToList();

    /// <summary>Every re-offer the plane sent, in order.</summary>
    public ConcurrentQueue<(MediaParticipant Participant, string Sdp)> Offers { get; } = new();

    /// <summary>Off: re-offers are only recorded, and the test answers them itself.</summary>
    public bool AnswerOffers { get; set; } = true;

    private int _offers;

    /// <summary>Creates a peer, offers, answers and connects it (ICE + DTLS), all bounded by <see cref="Timeout"/>.</summary>
    public async Task<WebRtcTestPeer> JoinAsync(string roomId, string participantId, TestPeerOptions? options = null)
    {
        var participant = new MediaParticipant(roomId, participantId);
        WebRtcTestPeer peer = WebRtcTestPeer.Create(participantId, options);
        _peers[participant] = peer;
        using var timeout = new CancellationTokenSource(Timeout);
        string answer = await Plane.AcceptOfferAsync(participant, peer.CreateOffer(), timeout.Token).WaitAsync(timeout.Token);
        await peer.ConnectAsync(answer, timeout.Token).WaitAsync(timeout.Token);
        return peer;
    }

    public Task AdmitAsync(string roomId, params string[] participantIds)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        return Plane.SetAdmittedAsync(roomId, participantIds, timeout.Token).WaitAsync(timeout.Token);
    }

    /// <summary>Polls <paramref name="condition"/> until true or the timeout; returns whether it became true.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan? within = null)
    {
        DateTime deadline = DateTime.UtcNow + (within ?? Timeout);
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return condition();
    }

    /// <summary>Waits for the re-offer number <paramref name="index"/> (from 0) sent to <paramref name="participant"/>.</summary>
    public async Task<string> OfferAsync(MediaParticipant participant, int index)
    {
        Assert.True(await EventuallyAsync(() => Offers.Count(o => o.Participant == participant) > index),
            $"re-offer {index} to {participant.ParticipantId} never came");
        return Offers.Where(o => o.Participant == participant).ElementAt(index).Sdp;
    }

    /// <summary>Publishes from every given peer for the duration, concurrently.</summary>
    public static Task PublishAsync(TimeSpan duration, params WebRtcTestPeer[] peers)
    {
        var tasks = new Task[peers.Length];
        for (int i = 0; i < peers.Length; i++)
        {
            tasks[i] = peers[i].PublishAsync(duration, CancellationToken.None);
        }

        return Task.WhenAll(tasks).WaitAsync(duration + Timeout);
    }

    /// <summary>True when <paramref name="receiver"/> got every audio and video packet <paramref name="publisher"/> sent.</summary>
    public static bool ReceivedAll(WebRtcTestPeer receiver, WebRtcTestPeer publisher) =>
        receiver.Stream(publisher.AudioSsrc)?.Packets == publisher.AudioPacketsSent
        && receiver.Stream(publisher.VideoSsrc)?.Packets == publisher.VideoPacketsSent;

    /// <summary>True when the plane forwards both of <paramref name="publisher"/>'s tracks to <paramref name="receiver"/>:
    /// the receiver confirmed both slots, and both sessions have finished DTLS and hold a media path.</summary>
    public bool Forwards(WebRtcTestPeer publisher, WebRtcTestPeer receiver)
    {
        ParticipantSession? from = SessionOf(publisher);
        ParticipantSession? to = SessionOf(receiver);
        return from is { Srtp: not null, Path: not null } && to is { Srtp: not null, Path: not null }
            && from.FindTrack(publisher.AudioSsrc)?.HasSubscriber(to) == true
            && from.FindTrack(publisher.VideoSsrc)?.HasSubscriber(to) == true;
    }

    /// <summary>True when every peer's audio and video is forwarded to every other given peer.</summary>
    public bool ForwardsAmong(params WebRtcTestPeer[] peers)
    {
        foreach (WebRtcTestPeer publisher in peers)
        {
            foreach (WebRtcTestPeer receiver in peers)
            {
                if (publisher != receiver && !Forwards(publisher, receiver))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Counters and per-peer streams, for a failing assertion's message.</summary>
    public string Describe(params WebRtcTestPeer[] peers)
    {
        var c = Plane.Counters;
        var text = new System.Text.StringBuilder();
        text.Append($"rx={c.DatagramsReceived} rtp={c.RtpReceived} fwd={c.RtpForwarded} drop={c.RtpDropped} srtpFail={c.SrtpFailures} unknown={c.DroppedUnknownSource} malformed={c.DroppedMalformed} stunOk={c.StunAnswered} stunBad={c.StunRejected} dtls={c.DtlsRecords} offers={_offers} kf={c.KeyframeRequestsForwarded}");
        foreach (WebRtcTestPeer peer in peers)
        {
            text.Append($" | {peer.Name} sent={peer.PacketsSent} a={peer.AudioSsrc}/{peer.AudioPacketsSent} v={peer.VideoSsrc}/{peer.VideoPacketsSent}");
            if (SessionOf(peer) is { } session)
            {
                text.Append($" paused={session.VideoPaused} downlinkHold={session.DownlinkHold.Held} estimate={session.Downlink?.EstimateBps} feedbackMissing={session.Downlink?.IsFeedbackMissing(BweClock.Micros(TimeProvider.System))}");
            }

            text.Append(':');
            foreach (ReceivedStream stream in peer.Streams)
            {
                text.Append($" {stream.Ssrc}={stream.Packets}");
            }
        }

        return text.ToString();
    }

    private ParticipantSession? SessionOf(WebRtcTestPeer peer)
    {
        foreach ((MediaParticipant participant, WebRtcTestPeer candidate) in _peers)
        {
            if (candidate == peer)
            {
                return Plane.FindSession(participant);
            }
        }

        return null;
    }

    public bool HasEvent(MediaParticipant participant, string kind)
    {
        foreach ((MediaParticipant p, string k, string? _) in Events)
        {
            if (p == participant && k == kind)
            {
                return true;
            }
        }

        return false;
    }

    public async Task SendOfferAsync(MediaParticipant participant, string offerSdp, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _offers);
        Offers.Enqueue((participant, offerSdp));
        if (AnswerOffers && _peers.TryGetValue(participant, out WebRtcTestPeer? peer))
        {
            await Plane.AcceptAnswerAsync(participant, peer.AnswerOffer(offerSdp), cancellationToken);
        }
    }

    public Task VideoPausedAsync(MediaParticipant participant, VideoPauseReason reason, IReadOnlyCollection<string> recipients,
        CancellationToken cancellationToken)
    {
        Notices.Enqueue((participant, "paused", reason == VideoPauseReason.WeakConnection ? "weak_connection" : "audio_only_chosen", recipients));
        return Task.CompletedTask;
    }

    public Task VideoResumedAsync(MediaParticipant participant, IReadOnlyCollection<string> recipients, CancellationToken cancellationToken)
    {
        Notices.Enqueue((participant, "resumed", null, recipients));
        return Task.CompletedTask;
    }

    public Task ConnectionQualityChangedAsync(MediaParticipant participant, ConnectionQualityLevel quality, ConnectionQualityDetails details,
        IReadOnlyCollection<string> recipients, CancellationToken cancellationToken)
    {
        Notices.Enqueue((participant, "quality", quality.ToString().ToLowerInvariant(), recipients));
        return Task.CompletedTask;
    }

    /// <summary>The live session of a peer joined through this harness.</summary>
    public ParticipantSession Session(string roomId, string participantId) =>
        Plane.FindSession(new MediaParticipant(roomId, participantId)) ?? throw new InvalidOperationException("no session for " + participantId);

    public Task MediaUpAsync(MediaParticipant participant, DateTimeOffset at, CancellationToken cancellationToken)
    {
        Events.Enqueue((participant, "up", null));
        TimedEvents.Enqueue((participant, "up", null, at));
        return Task.CompletedTask;
    }

    public Task MediaDownAsync(MediaParticipant participant, DateTimeOffset at, string reason, CancellationToken cancellationToken)
    {
        Events.Enqueue((participant, "down", reason));
        TimedEvents.Enqueue((participant, "down", reason, at));
        return Task.CompletedTask;
    }

    public Task MediaRelayedAsync(IReadOnlyList<RelayMark> marks, CancellationToken cancellationToken)
    {
        foreach (RelayMark mark in marks)
        {
            Marks.Enqueue(mark);
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops the plane as a host shutdown does (the peers stay), and waits for it to return.</summary>
    public async Task StopPlaneAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (WebRtcTestPeer peer in _peers.Values)
        {
            await peer.DisposeAsync();
        }

        await _stop.CancelAsync();
        await _run.WaitAsync(Timeout);
        Plane.Dispose();
        _stop.Dispose();
    }
}
