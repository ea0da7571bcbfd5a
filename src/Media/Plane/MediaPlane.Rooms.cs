using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Sdp;

namespace Doctolib.Telehealth.Media.Plane;

internal sealed partial class MediaPlane
{
    public Task SetAdmittedAsync(string roomId, IReadOnlyCollection<string> participantIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        ArgumentNullException.ThrowIfNull(participantIds);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _admitted[roomId] = new HashSet<string>(participantIds, StringComparer.Ordinal);
            UpdateRoomLocked(roomId);
        }

        return Task.CompletedTask;
    }

    public Task CloseAsync(MediaParticipant participant, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ParticipantSession? session;
        lock (_gate)
        {
            if (Sessions.TryGet(participant, out session))
            {
                RemoveSessionLocked(session);
                UpdateRoomLocked(participant.RoomId);
            }
        }

        if (session is not null)
        {
            EndSession(session, "closed");
        }

        return Task.CompletedTask;
    }

    public Task CloseRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var closed = new List<ParticipantSession>();
        lock (_gate)
        {
            foreach (ParticipantSession session in Sessions.All)
            {
                if (session.Participant.RoomId == roomId)
                {
                    closed.Add(session);
                }
            }

            foreach (ParticipantSession session in closed)
            {
                RemoveSessionLocked(session);
            }

            _admitted.Remove(roomId);
        }

        foreach (ParticipantSession session in closed)
        {
            EndSession(session, "room closed");
        }

        return Task.CompletedTask;
    }

    private bool IsAdmittedLocked(MediaParticipant participant) =>
        _admitted.TryGetValue(participant.RoomId, out HashSet<string>? set) && set.Contains(participant.ParticipantId);

    /// <summary>Brings every session of a room in line with who is admitted: drops forwarding that is no longer
    /// allowed at once, and re-offers to each connected participant whose set of incoming tracks changed.</summary>
    private void UpdateRoomLocked(string roomId)
    {
        var members = new List<ParticipantSession>();
        foreach (ParticipantSession session in Sessions.All)
        {
            if (session.Participant.RoomId == roomId && !session.IsClosed)
            {
                members.Add(session);
            }
        }

        foreach (ParticipantSession receiver in members)
        {
            bool admitted = IsAdmittedLocked(receiver.Participant);
            var wanted = new List<PublishedTrack>();
            if (admitted)
            {
                foreach (ParticipantSession publisher in members)
                {
                    if (publisher != receiver && IsAdmittedLocked(publisher.Participant))
                    {
                        wanted.AddRange(publisher.Tracks);
                    }
                }
            }

            bool changed = false;
            foreach (NegotiatedSection section in receiver.Sections)
            {
                if (!section.OfferedByParticipant && section.Track is { } track && !wanted.Contains(track))
                {
                    track.Unsubscribe(receiver);
                    section.Track = null;
                    section.Confirmed = false;
                    changed = true;
                }
            }

            foreach (PublishedTrack track in wanted)
            {
                if (HasSlotFor(receiver, track))
                {
                    continue;
                }

                AssignSlot(receiver, track);
                changed = true;
            }

            if (changed && receiver.Srtp is not null)
            {
                RequestOfferLocked(receiver);
            }
        }
    }

    private static bool HasSlotFor(ParticipantSession receiver, PublishedTrack track)
    {
        foreach (NegotiatedSection section in receiver.Sections)
        {
            if (section.Track == track)
            {
                return true;
            }
        }

        return false;
    }

    private void AssignSlot(ParticipantSession receiver, PublishedTrack track)
    {
        SdpMediaKind kind = track.IsVideo ? SdpMediaKind.Video : SdpMediaKind.Audio;
        foreach (NegotiatedSection section in receiver.Sections)
        {
            if (!section.OfferedByParticipant && section.Track is null && section.Kind == kind && !section.Rejected)
            {
                section.Track = track;
                section.Confirmed = false;
                return;
            }
        }

        NegotiatedSection? template = null;
        foreach (NegotiatedSection section in receiver.Sections)
        {
            if (section.OfferedByParticipant && section.Kind == kind && !section.Rejected)
            {
                template = section;
                break;
            }
        }

        NegotiatedSection publisherSection = FindSection(PublisherOf(track), track.Mid)!;
        NegotiatedSection source = template ?? publisherSection;
        receiver.Sections.Add(new NegotiatedSection
        {
            Mid = NextSlotMid(),
            Kind = kind,
            OfferedByParticipant = false,
            Codecs = [.. source.Codecs],
            Extensions = [.. source.Extensions],
            RtcpRsize = source.RtcpRsize,
            Track = track,
        });
    }

    /// <summary>Sends the receiver a re-offer now, or marks it to be sent when the pending one is answered.</summary>
    private void RequestOfferLocked(ParticipantSession receiver)
    {
        if (receiver.OfferPending)
        {
            receiver.OfferDirty = true;
            return;
        }

        SendOfferLocked(receiver);
    }

    private void SendOfferLocked(ParticipantSession receiver)
    {
        string offer = SessionDescriptionWriter.Write(receiver, receiver.Sections, isOffer: true, _transport);
        var offered = new OfferedSection[receiver.Sections.Count];
        int tracks = 0;
        for (int i = 0; i < offered.Length; i++)
        {
            NegotiatedSection section = receiver.Sections[i];
            offered[i] = new OfferedSection(section.Mid, section.Kind, section.Track);
            if (section.Track is not null)
            {
                tracks++;
            }
        }

        receiver.PendingOffer = offered;
        MediaPlaneLog.OfferSent(_logger, receiver.Participant.RoomId, receiver.Participant.ParticipantId, tracks);
        Events.Offer(receiver.Participant, offer);
    }

    /// <summary>Attaches forwarding for every slot the receiver confirmed, and asks the publisher for a keyframe.</summary>
    private void ConfirmSlotsLocked(ParticipantSession receiver)
    {
        foreach (NegotiatedSection section in receiver.Sections)
        {
            if (section.OfferedByParticipant || section.Track is not { } track)
            {
                continue;
            }

            if (!section.Confirmed)
            {
                track.Unsubscribe(receiver);
                continue;
            }

            if (track.HasSubscriber(receiver))
            {
                continue;
            }

            NegotiatedSection publisherSection = FindSection(PublisherOf(track), track.Mid)!;
            track.Subscribe(new DownTrack(track, receiver, RewriteMaps.Build(publisherSection, section)));
            if (track.IsVideo)
            {
                Forwarder.RequestKeyframe(track, force: true);
            }
        }
    }

    /// <summary>Every track the plane creates is published by one of its sessions.</summary>
    private static ParticipantSession PublisherOf(PublishedTrack track) => (ParticipantSession)track.Publisher;

    private void RemoveSessionLocked(ParticipantSession session)
    {
        Sessions.Remove(session);
        _ice.RemoveSession(session.Ice);

        foreach (NegotiatedSection section in session.Sections)
        {
            section.Track?.Unsubscribe(session);
        }

        session.MarkClosed();
    }

    /// <summary>Outside the lock: reports media down if it was up, and releases DTLS/SRTP.</summary>
    private void EndSession(ParticipantSession session, string reason)
    {
        if (session.MarkMediaDown())
        {
            Events.MediaDown(session.Participant, Time.GetUtcNow(), reason);
        }

        MediaPlaneLog.SessionClosed(_logger, session.Participant.RoomId, session.Participant.ParticipantId, reason);
        session.Dispose();
    }
}
