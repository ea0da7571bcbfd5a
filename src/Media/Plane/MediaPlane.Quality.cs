using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Forwarding;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Audio-only fallback and the connection-quality indicator (issue 12). Per receiver, video is paused when
/// it chose audio only, or when its downlink estimate (<see cref="ParticipantSession.PathLimitedDownlinkBps"/>) stayed
/// low (<see cref="AudioOnlyDecision"/>: under 150 kbps for 2 s; back at 250 kbps for 4 s, then a keyframe is asked
/// of each publisher it receives). An unknown estimate (0) never pauses video. Each change, and each participant's
/// quality (<see cref="ConnectionQualityClassifier"/>), is told to the room's admitted participants through the
/// <see cref="IMediaSignalSink"/>. All state here is under the plane's lock.</summary>
internal sealed partial class MediaPlane
{
    /// <summary>Participants who chose audio only; kept across a reload (new session) until they leave.</summary>
    private readonly HashSet<MediaParticipant> _audioOnlyChosen = [];

    /// <summary>What the pages were last told, per participant whose video is paused.</summary>
    private readonly Dictionary<MediaParticipant, VideoPauseReason> _announcedPauses = [];

    public Task SetAudioOnlyAsync(MediaParticipant participant, bool audioOnly, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(participant.RoomId);
        ArgumentNullException.ThrowIfNull(participant.ParticipantId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (audioOnly)
            {
                _audioOnlyChosen.Add(participant);
            }
            else
            {
                _audioOnlyChosen.Remove(participant);
            }

            if (Sessions.TryGet(participant, out ParticipantSession? session))
            {
                session.AudioOnly.SetManualAudioOnly(audioOnly);
                ApplyPauseLocked(session);
            }
            else
            {
                AnnounceLocked(participant, audioOnly ? VideoPauseReason.AudioOnlyChosen : null);
            }
        }

        MediaQualityLog.AudioOnlyChosen(_logger, audioOnly, participant.RoomId, participant.ParticipantId);
        return Task.CompletedTask;
    }

    /// <summary>A new session (first offer, or a reload): it takes the participant's audio-only choice, and the room's
    /// pauses and qualities are told again so the new page learns them. Caller holds the lock.</summary>
    private void OnSessionCreatedLocked(ParticipantSession session)
    {
        if (_audioOnlyChosen.Contains(session.Participant))
        {
            session.AudioOnly.SetManualAudioOnly(true);
        }

        ApplyPauseLocked(session);
        string roomId = session.Participant.RoomId;
        string[]? recipients = null;
        foreach ((MediaParticipant participant, VideoPauseReason reason) in _announcedPauses)
        {
            if (participant.RoomId == roomId)
            {
                Events.VideoPaused(participant, reason, recipients ??= RecipientsLocked(participant));
            }
        }

        foreach (ParticipantSession other in Sessions.All)
        {
            if (other.Participant.RoomId == roomId)
            {
                other.QualityAnnounced = false;
            }
        }
    }

    /// <summary>The participant left or its room closed: its choice and its announced state go with it.</summary>
    private void ForgetAudioOnlyLocked(MediaParticipant participant)
    {
        _audioOnlyChosen.Remove(participant);
        _announcedPauses.Remove(participant);
    }

    private void ForgetRoomAudioOnlyLocked(string roomId)
    {
        _audioOnlyChosen.RemoveWhere(p => p.RoomId == roomId);
        foreach (MediaParticipant participant in _announcedPauses.Keys.ToArray())
        {
            if (participant.RoomId == roomId)
            {
                _announcedPauses.Remove(participant);
            }
        }
    }

    /// <summary>Makes the forwarder follow the session's decision; on a resume, asks each publisher it receives for a
    /// keyframe so the picture comes back at once; tells the pages when the pause or its reason changed.</summary>
    private void ApplyPauseLocked(ParticipantSession session)
    {
        AudioOnlyDecision decision = session.AudioOnly;
        VideoPauseReason? pause = decision.ManualAudioOnly ? VideoPauseReason.AudioOnlyChosen
            : decision.PausedForBandwidth ? VideoPauseReason.WeakConnection
            : null;
        bool wasPaused = session.PausedByDecision;
        session.SetVideoPaused(pause is not null);
        if (wasPaused && pause is null && !session.DownlinkHold.Held)
        {
            foreach (DownTrack downTrack in session.Incoming.Items)
            {
                if (downTrack.Source.IsVideo)
                {
                    Forwarder.RequestKeyframe(downTrack.Source, force: true);
                }
            }
        }

        AnnounceLocked(session.Participant, pause);
    }

    private void AnnounceLocked(MediaParticipant participant, VideoPauseReason? pause)
    {
        bool announced = _announcedPauses.TryGetValue(participant, out VideoPauseReason previous);
        if (pause is { } reason)
        {
            if (announced && previous == reason)
            {
                return;
            }

            _announcedPauses[participant] = reason;
            Events.VideoPaused(participant, reason, RecipientsLocked(participant));
            MediaQualityLog.VideoPaused(_logger, participant.RoomId, participant.ParticipantId, reason);
        }
        else if (announced)
        {
            _announcedPauses.Remove(participant);
            Events.VideoResumed(participant, RecipientsLocked(participant));
            MediaQualityLog.VideoResumed(_logger, participant.RoomId, participant.ParticipantId);
        }
    }

    /// <summary>From the receive loop: the participant's uplink queues at under 150 kbps
    /// (<see cref="UplinkBacklogDetector"/>). Its video downlink is held at once, and the pause is decided and announced
    /// off the receive loop, under the lock, within milliseconds rather than at the next periodic tick: the pages stop
    /// sending the participant's own video on that announcement, and every 100 ms of video still sent into a 100 kbit
    /// link's queue becomes about 0.7 s of delay for the sound behind it. The downlink's video stops too: the same access
    /// link usually carries both, and the participant's transport feedback, which would tell the server of a weak
    /// downlink, now waits in the uplink's queue.</summary>
    internal void OnUplinkWeak(ParticipantSession session, long rateBps)
    {
        session.HoldForWeakUplink();
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Plane.ApplyUplinkWeak(s.Session, s.RateBps), (Plane: this, Session: session, RateBps: rateBps),
            preferLocal: false);
    }

    private void ApplyUplinkWeak(ParticipantSession session, long rateBps)
    {
        lock (_gate)
        {
            if (!session.IsClosed && session.AudioOnly.OnUplinkWeak(BweClock.Micros(Time)))
            {
                ApplyPauseLocked(session);
            }

            session.ReleaseWeakUplinkHold();
        }

        MediaQualityLog.UplinkWeak(_logger, session.Participant.RoomId, session.Participant.ParticipantId, rateBps / 1000);
    }

    /// <summary>The room's admitted participants and the participant itself.</summary>
    private string[] RecipientsLocked(MediaParticipant participant)
    {
        string[] admitted = Negotiator.AdmittedIn(participant.RoomId);
        return Array.IndexOf(admitted, participant.ParticipantId) >= 0 ? admitted : [.. admitted, participant.ParticipantId];
    }

    /// <summary>One periodic pass: feeds each connected session's downlink estimate to its audio-only decision, and
    /// reads its connection quality when something new was measured.</summary>
    private void CheckQuality(List<ParticipantSession> sessions)
    {
        long nowMicros = BweClock.Micros(Time);
        lock (_gate)
        {
            foreach (ParticipantSession session in sessions)
            {
                if (session.IsClosed || session.Srtp is null)
                {
                    continue;
                }

                long downlink = session.PathLimitedDownlinkBps;
                if (session.AudioOnly.OnEstimate(downlink > 0 ? downlink : long.MaxValue, nowMicros))
                {
                    ApplyPauseLocked(session);
                }

                ReadQualityLocked(session, nowMicros);
            }
        }
    }

    private void ReadQualityLocked(ParticipantSession session, long nowMicros)
    {
        int reported = session.TakeWorstReportedLoss();
        double uplink = UplinkLoss(session);
        if (reported < 0 && uplink < 0)
        {
            return; // nothing measured since the last reading: no reading, better or worse
        }

        double loss = Math.Max(reported < 0 ? 0 : reported / 256.0, Math.Max(0, uplink));
        long rtt = session.RoundTripMicros;
        long jitter = session.AudioJitterMicros;
        long estimate = LowerKnown(session.PathLimitedDownlinkBps, session.UplinkEstimateBps);
        var inputs = new QualityInputs(loss, Math.Max(0, rtt), Math.Max(0, jitter), estimate > 0 ? estimate : long.MaxValue);
        if (!session.Quality.Update(inputs, nowMicros) && session.QualityAnnounced)
        {
            return;
        }

        session.QualityAnnounced = true;
        ConnectionQualityLevel level = session.Quality.Current switch
        {
            ConnectionQuality.Poor => ConnectionQualityLevel.Poor,
            ConnectionQuality.Fair => ConnectionQualityLevel.Fair,
            _ => ConnectionQualityLevel.Good,
        };
        var details = new ConnectionQualityDetails(
            Math.Round(loss * 100, 1),
            rtt < 0 ? null : (int)(rtt / 1000),
            jitter < 0 ? null : (int)(jitter / 1000),
            estimate > 0 ? estimate / 1000 : null);
        Events.Quality(session.Participant, level, details, RecipientsLocked(session.Participant));
        MediaQualityLog.QualityChanged(_logger, session.Participant.RoomId, session.Participant.ParticipantId, level);
    }

    /// <summary>The worst loss fraction the server saw on the participant's own tracks since the last reading (RFC 3550
    /// §A.3: expected from the highest sequence, less received), or -1 when none of them sent anything new.</summary>
    private static double UplinkLoss(ParticipantSession session)
    {
        double worst = -1;
        foreach (PublishedTrack track in session.ReceivedStreams())
        {
            long received = track.Statistics.Received;
            if (received == 0)
            {
                continue;
            }

            uint highest = track.Statistics.ExtendedHighestSequence;
            if (session.UplinkLossMarks.TryGetValue(track.Ssrc, out (uint Highest, long Received) mark))
            {
                long expected = (long)highest - mark.Highest;
                if (expected > 0)
                {
                    worst = Math.Max(worst, Math.Clamp((expected - (received - mark.Received)) / (double)expected, 0, 1));
                }
            }

            session.UplinkLossMarks[track.Ssrc] = (highest, received);
        }

        return worst;
    }

    private static long LowerKnown(long a, long b) => a <= 0 ? b : b <= 0 ? a : Math.Min(a, b);
}
