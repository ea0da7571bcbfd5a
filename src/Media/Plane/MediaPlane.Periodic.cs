using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Plane;

internal sealed partial class MediaPlane
{
    /// <summary>Bitrate advertised to a publisher whose receivers report no loss: enough for 720p video.</summary>
    internal const long GenerousBitrate = 2_500_000;
    private const int MaxReportBlocks = 16;

    /// <summary>The plane's one timer. It ticks only while there is a session: the first session starts it, and the
    /// first tick that finds none stops it, so a server at rest wakes for nothing. Caller holds the lock.</summary>
    private void WakePeriodicLocked()
    {
        if (!_periodicRunning)
        {
            _periodicRunning = true;
            _periodic.Period = PeriodicInterval;
        }
    }

    private long _periodicTicks;

    /// <summary>The periodic work's cadence: the consent check interval, at most 500 ms. The audio-only decision, the
    /// REMB cap and probing read the downlink estimate on this tick; at 1 s the switch to audio only came up to a second
    /// after its 2 s hold was met, on top of the feedback's own delay through a weak uplink.</summary>
    private TimeSpan PeriodicInterval => _options.ConsentCheckInterval < MaxPeriodicInterval ? _options.ConsentCheckInterval : MaxPeriodicInterval;

    private static readonly TimeSpan MaxPeriodicInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Ticks of the periodic timer so far, for tests that check a plane at rest does nothing.</summary>
    internal long PeriodicTicks => Interlocked.Read(ref _periodicTicks);

    /// <summary>Returns false (and stops the timer) when there is nothing left to do.</summary>
    private bool KeepPeriodicLocked()
    {
        if (Sessions.Count > 0)
        {
            return true;
        }

        _periodicRunning = false;
        _periodic.Period = Timeout.InfiniteTimeSpan;
        return false;
    }

    /// <summary>Once per check interval while there are sessions: reports sessions whose ICE consent lapsed, then
    /// sends each publisher an RR for its tracks and a REMB so its video climbs.</summary>
    private async Task RunPeriodicAsync(CancellationToken cancellationToken)
    {
        PeriodicTimer timer = _periodic;
        var lost = new List<IceSession>();
        var sessions = new List<ParticipantSession>();
        byte[] rtcp = new byte[1200];
        long lastTick = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                lost.Clear();
                Ice.CollectConsentLost(lost);
                foreach (IceSession ice in lost)
                {
                    if (Sessions.FindByIce(ice) is { } session)
                    {
                        OnConsentLost(session);
                    }
                }

                Interlocked.Increment(ref _periodicTicks);
                sessions.Clear();
                lock (_gate)
                {
                    if (!KeepPeriodicLocked())
                    {
                        lastTick = 0; // the next tick comes after an idle spell: measure over one interval
                        continue;
                    }

                    sessions.AddRange(Sessions.All);
                }

                long now = Time.GetTimestamp();
                double seconds = lastTick == 0 ? PeriodicInterval.TotalSeconds
                    : Math.Max(0.001, (now - lastTick) / (double)Time.TimestampFrequency);
                lastTick = now;

                long nowMicros = BweClock.Micros(Time);
                foreach (ParticipantSession session in sessions)
                {
                    FlushTransportFeedback(session, rtcp, nowMicros);
                    SendPublisherFeedback(session, rtcp, seconds, now);
                }

                foreach (ParticipantSession session in sessions)
                {
                    SelectLayers(session, nowMicros);
                }

                CheckRelay(sessions, now);
                CheckQuality(sessions);
                CheckProbes(sessions, nowMicros, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void OnConsentLost(ParticipantSession session)
    {
        MediaPlaneLog.ConsentLapsed(_logger, session.Participant.RoomId, session.Participant.ParticipantId);
        Sessions.Unbind(session);
        ReportMediaDown(session, "consent_lapsed");
    }

    private void SendPublisherFeedback(ParticipantSession session, byte[] buffer, double seconds, long now)
    {
        if (session.Tracks.Length == 0 || session.Srtp is null || session.Path is null)
        {
            return;
        }

        List<PublishedTrack> tracks = session.ReceivedStreams();
        if (tracks.Count == 0)
        {
            return;
        }

        Span<byte> rtcp = buffer;
        int blocks = Math.Min(tracks.Count, MaxReportBlocks);
        int length = RtcpReceiverReport.WriteHeader(rtcp, session.ServerSsrc, blocks);
        long bytes = 0;
        int worstLoss = 0;
        Span<uint> videoSsrcs = stackalloc uint[MaxReportBlocks];
        int videoCount = 0;
        // With layers, what a subscriber loses on its own link is answered by its layer choice, not by the publisher.
        bool layered = session.SendsLayers;
        foreach (PublishedTrack track in session.Tracks)
        {
            if (track.Simulcast is not null && track.TakeWorstFractionLost() is var ownerLoss && !layered)
            {
                worstLoss = Math.Max(worstLoss, ownerLoss);
            }
        }

        for (int i = 0; i < tracks.Count; i++)
        {
            PublishedTrack track = tracks[i];
            long trackBytes = track.Statistics.TakeBytes();
            bytes += trackBytes;
            if (track.LayerOf is not null)
            {
                track.LayerBitrateBps = (long)(trackBytes * 8 / seconds);
            }

            int loss = track.TakeWorstFractionLost();
            if (!layered)
            {
                worstLoss = Math.Max(worstLoss, loss);
            }
            if (i >= blocks)
            {
                continue;
            }

            (byte fraction, int cumulative, uint extended) = track.Statistics.TakeReport();
            uint delay = track.LastSenderReportAt == 0 ? 0
                : (uint)Math.Min(uint.MaxValue, (now - track.LastSenderReportAt) * 65536 / Time.TimestampFrequency);
            length += new RtcpReportBlock(track.Ssrc, fraction, cumulative, extended, Jitter: 0,
                track.LastSenderReportNtp, track.LastSenderReportNtp == 0 ? 0 : delay).Write(rtcp.Slice(length));
            if (track.IsVideo)
            {
                videoSsrcs[videoCount++] = track.Ssrc;
            }
        }

        if (videoCount > 0)
        {
            long measured = (long)(bytes * 8 / seconds);
            long estimate = EstimateBitrate(measured, worstLoss, layered ? 0 : ReceiversEstimate(session));
            long cap = SubscribersCap(session);
            if (cap > 0)
            {
                estimate = Math.Min(estimate, cap);
            }

            session.UplinkEstimateBps = estimate;
            length += RtcpRemb.Write(rtcp.Slice(length), session.ServerSsrc, (ulong)estimate, videoSsrcs.Slice(0, videoCount));
        }

        Forwarder.SendRtcp(session, rtcp.Slice(0, length));
    }

    /// <summary>Transport feedback the publisher's last packets left pending (the receive loop sends the rest as packets
    /// arrive); nothing when it sent nothing since.</summary>
    private void FlushTransportFeedback(ParticipantSession session, byte[] buffer, long nowMicros)
    {
        if (session.Uplink is not { } uplink)
        {
            return;
        }

        int length = uplink.Flush(nowMicros, buffer);
        for (int i = 0; length > 0 && i < 8; i++)
        {
            Forwarder.SendRtcp(session, buffer.AsSpan(0, length));
            length = uplink.Continue(nowMicros, buffer);
        }
    }

    /// <summary>What a publisher's video may use so that every subscriber whose transport-cc estimate has met its path's
    /// limit can take it (the smallest share; <see cref="PublisherBitrateCap"/>; a receiver in audio only is left out): each subscriber's estimate less its audio,
    /// split evenly among the videos it receives, plus the publisher's own audio (a REMB bounds all it sends). 0 when no
    /// such subscriber: the publisher is then not capped; <see cref="PausedPublisherCapBps"/> when every receiver of its
    /// video is in audio only. A publisher sending simulcast layers is capped by its best-served subscriber instead (none
    /// while one is not limited): the others take a lower layer.</summary>
    internal static long SubscribersCap(ParticipantSession publisher)
    {
        Span<long> shares = stackalloc long[MaxReportBlocks];
        int count = 0;
        int audios = 0;
        bool anyVideoSubscriber = false;
        bool anyVideoTaken = false;
        bool layered = publisher.SendsLayers;
        foreach (PublishedTrack track in publisher.Tracks)
        {
            if (!track.IsVideo)
            {
                audios++;
                continue;
            }

            foreach (DownTrack downTrack in track.Subscribers)
            {
                anyVideoSubscriber = true;
                if (downTrack.Receiver.VideoPaused)
                {
                    continue; // takes no video now: its estimate must not cap the others'
                }

                anyVideoTaken = true;

                if (count < shares.Length && downTrack.Receiver.Downlink is { IsConstrained: true, EstimateBps: > 0 } downlink)
                {
                    shares[count++] = VideoShare(downTrack.Receiver, downlink.EstimateBps);
                }
                else if (layered)
                {
                    return 0; // with layers, the best-served subscriber sets the cap: this one is not limited
                }
            }
        }

        if (anyVideoSubscriber && !anyVideoTaken)
        {
            return PausedPublisherCapBps; // every receiver is in audio only: the video would only fill its uplink
        }

        // A REMB bounds all the publisher sends (its audio too: the browser allocates audio out of the same estimate).
        return count == 0 ? 0
            : PublisherBitrateCap.Compute(shares[..count], simulcast: layered, otherMediaBps: 0, MinimumVideoCapBps, fallbackBps: 0) + (audios * AudioShareBps);
    }

    /// <summary>The REMB a publisher gets while none of its video's receivers takes video: enough for its audio and a
    /// trickle of video, so its uplink carries no video nobody sees (a browser does not stop its encoder for a low
    /// REMB, but it sends at about its minimum, 30 kbps for VP8). Once a receiver resumes, the cap follows its estimate
    /// again at the next tick.</summary>
    internal const long PausedPublisherCapBps = 80_000;

    /// <summary>Audio a subscriber receives per audio track, set aside before the video share.</summary>
    private const long AudioShareBps = 40_000;

    private const long MinimumVideoCapBps = 50_000;

    private static long VideoShare(IForwardingPeer receiver, long estimateBps)
    {
        int videos = 0;
        int audios = 0;
        foreach (DownTrack incoming in receiver.Incoming.Items)
        {
            if (incoming.Source.IsVideo)
            {
                videos++;
            }
            else
            {
                audios++;
            }
        }

        return (estimateBps - (audios * AudioShareBps)) / Math.Max(1, videos);
    }

    /// <summary>The bitrate to advertise to a publisher. Receivers reporting real loss (over 10 %) pull it down
    /// below what arrives; otherwise it is generous so the browser's own estimate can climb.</summary>
    internal static long EstimateBitrate(long measuredBps, int worstFractionLost, long receiversRembBps)
    {
        long estimate;
        if (worstFractionLost > 26)
        {
            estimate = measuredBps * (512 - worstFractionLost) / 512;
        }
        else
        {
            estimate = Math.Max(2 * measuredBps, GenerousBitrate);
        }

        if (receiversRembBps > 0 && receiversRembBps < measuredBps)
        {
            estimate = Math.Min(estimate, receiversRembBps);
        }

        return Math.Max(estimate, 100_000);
    }

    /// <summary>The lowest REMB the publisher's receivers reported since the last tick (0 when none did), among the
    /// receivers that take its video.</summary>
    private static long ReceiversEstimate(ParticipantSession publisher)
    {
        long lowest = 0;
        foreach (PublishedTrack track in publisher.Tracks)
        {
            if (!track.IsVideo)
            {
                continue;
            }

            foreach (DownTrack downTrack in track.Subscribers)
            {
                if (downTrack.Receiver.VideoPaused)
                {
                    continue; // takes no video now: its estimate must not cap the others'
                }

                long estimate = downTrack.Receiver.PeekReceiverEstimate();
                if (estimate > 0 && (lowest == 0 || estimate < lowest))
                {
                    lowest = estimate;
                }
            }
        }

        return lowest;
    }
}
