using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Sdp;
using Microsoft.Extensions.Logging;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Who in a room may receive whom, and the server-initiated re-offers that follow: when admission or a
/// room's publishers change, each receiver gets a slot (a sendonly m-section) per track it may receive, and a
/// re-offer; a slot is forwarded once the receiver's answer confirms it. One offer is in flight per receiver; a change
/// while it waits is offered again after the answer. Every member runs under the plane's lock.</summary>
internal sealed class ReOfferNegotiator(SessionRegistry sessions, ServerTransportInfo transport, MediaEventPump events,
    RtpForwarder forwarder, ILogger logger)
{
    private readonly Dictionary<string, HashSet<string>> _admitted = new(StringComparer.Ordinal);
    private int _slotCounter;

    public void SetAdmitted(string roomId, IReadOnlyCollection<string> participantIds) =>
        _admitted[roomId] = new HashSet<string>(participantIds, StringComparer.Ordinal);

    public void ForgetRoom(string roomId) => _admitted.Remove(roomId);

    /// <summary>A copy of the room's admitted participant ids (empty when none).</summary>
    public string[] AdmittedIn(string roomId) => _admitted.TryGetValue(roomId, out HashSet<string>? set) ? [.. set] : [];

    /// <summary>True while a server-added slot waits for the participant to confirm it in an answer.</summary>
    public static bool HasUnconfirmedSlots(ParticipantSession session)
    {
        foreach (NegotiatedSection section in session.Sections)
        {
            if (!section.OfferedByParticipant && section.Track is not null && !section.Confirmed)
            {
                return true;
            }
        }

        return false;
    }

    private bool IsAdmitted(MediaParticipant participant) =>
        _admitted.TryGetValue(participant.RoomId, out HashSet<string>? set) && set.Contains(participant.ParticipantId);

    /// <summary>Brings every session of a room in line with who is admitted: drops forwarding that is no longer
    /// allowed at once, and re-offers to each connected participant whose set of incoming tracks changed.</summary>
    public void UpdateRoom(string roomId)
    {
        var members = new List<ParticipantSession>();
        foreach (ParticipantSession session in sessions.All)
        {
            if (session.Participant.RoomId == roomId && !session.IsClosed)
            {
                members.Add(session);
            }
        }

        foreach (ParticipantSession receiver in members)
        {
            bool admitted = IsAdmitted(receiver.Participant);
            var wanted = new List<PublishedTrack>();
            if (admitted)
            {
                foreach (ParticipantSession publisher in members)
                {
                    if (publisher != receiver && IsAdmitted(publisher.Participant))
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
                RequestOffer(receiver);
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

        NegotiatedSection publisherSection = PublisherOf(track).FindSection(track.Mid)!;
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
    public void RequestOffer(ParticipantSession receiver)
    {
        if (receiver.OfferPending)
        {
            receiver.OfferDirty = true;
            return;
        }

        SendOffer(receiver);
    }

    public void SendOffer(ParticipantSession receiver)
    {
        string offer = SessionDescriptionWriter.Write(receiver, receiver.Sections, isOffer: true, transport);
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
        MediaPlaneLog.OfferSent(logger, receiver.Participant.RoomId, receiver.Participant.ParticipantId, tracks);
        events.Offer(receiver.Participant, offer);
    }

    /// <summary>Attaches forwarding for every slot the receiver confirmed, and asks the publisher for a keyframe.</summary>
    public void ConfirmSlots(ParticipantSession receiver)
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

            NegotiatedSection publisherSection = PublisherOf(track).FindSection(track.Mid)!;
            track.Subscribe(new DownTrack(track, receiver, RewriteMaps.Build(publisherSection, section), section.TransportWideCcId));
            if (track.IsVideo)
            {
                forwarder.RequestKeyframe(track, force: true);
            }
        }
    }

    /// <summary>Every track the plane creates is published by one of its sessions.</summary>
    private static ParticipantSession PublisherOf(PublishedTrack track) => (ParticipantSession)track.Publisher;

    private string NextSlotMid() => "s" + Interlocked.Increment(ref _slotCounter).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
