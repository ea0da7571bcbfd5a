using Doctolib.Telehealth.Media.Dtls;
using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Sdp;

namespace Doctolib.Telehealth.Media.Plane;

internal sealed partial class MediaPlane
{
    private static readonly TimeSpan RetransmissionWindow = TimeSpan.FromSeconds(1);

    public Task<string> AcceptOfferAsync(MediaParticipant participant, string offerSdp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(offerSdp);
        cancellationToken.ThrowIfCancellationRequested();
        if (!SdpParser.TryParse(offerSdp, out SdpSessionDescription? offer, out SdpParseException? error))
        {
            throw new MediaNegotiationException("The offer is not valid SDP: " + error.Message);
        }

        (string ufrag, string pwd, string fingerprint) = ReadTransport(offer);
        ParticipantSession? replaced = null;
        ParticipantSession session;
        string answer;
        lock (_gate)
        {
            EnsureSsrcsFreeLocked(participant, offer);
            if (Sessions.TryGet(participant, out ParticipantSession? existing)
                && !string.Equals(existing.RemoteFingerprint, fingerprint, StringComparison.OrdinalIgnoreCase))
            {
                // A new certificate means a new peer connection (a reload): the old session is gone.
                replaced = existing;
                RemoveSessionLocked(existing);
                existing = null;
            }

            if (existing is null)
            {
                if (Sessions.Count >= _options.MaxSessions)
                {
                    throw new MediaNegotiationException("The media server is full; try again later.");
                }

                IceSession ice = _ice.AddSession(participant.RoomId + "/" + participant.ParticipantId, IceCredentials.Generate());
                session = new ParticipantSession(participant, ice, ufrag, pwd, fingerprint);
                Sessions.Add(session);
                WakePeriodicLocked();
                session.Sections.AddRange(ReadSections(offer, null));
                session.ConfigureTransportCc(TransportWideCcId(session), _options.BandwidthTraceDirectory);
                PublishTracksLocked(session, offer);
                StartDtls(session);
                OnSessionCreatedLocked(session);
                MediaPlaneLog.SessionCreated(_logger, participant.RoomId, participant.ParticipantId);
            }
            else
            {
                session = existing;
                if (session.RemoteUfrag != ufrag || session.RemotePwd != pwd)
                {
                    // ICE restart (RFC 8445 §9, RFC 8839 §4.4.1.1.1): the answerer must change its credentials too
                    // (JSEP §5.3.1). DTLS and SRTP are kept; the old ufrag works until the peer uses the new one.
                    _ice.RestartSession(session.Ice, IceCredentials.Generate());
                    session.SetRemoteCredentials(ufrag, pwd);
                }

                List<NegotiatedSection> sections = ReadSections(offer, session);
                session.Sections.Clear();
                session.Sections.AddRange(sections);
                session.ConfigureTransportCc(TransportWideCcId(session), _options.BandwidthTraceDirectory);
                PublishTracksLocked(session, offer);
                Negotiator.ConfirmSlots(session);

                // The browser's own offer supersedes a server offer it never answered (glare): offer again afterwards.
                session.PendingOffer = null;
                session.OfferDirty = false;
            }

            answer = SessionDescriptionWriter.Write(session, session.Sections, isOffer: false, _transport);
            Negotiator.UpdateRoom(participant.RoomId);
            if (existing is not null && session.Srtp is not null && ReOfferNegotiator.HasUnconfirmedSlots(session))
            {
                Negotiator.RequestOffer(session);
            }
        }

        if (replaced is not null)
        {
            EndSession(replaced, "replaced_by_new_peer_connection");
        }

        return Task.FromResult(answer);
    }

    public Task AcceptAnswerAsync(MediaParticipant participant, string answerSdp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answerSdp);
        cancellationToken.ThrowIfCancellationRequested();
        if (!SdpParser.TryParse(answerSdp, out SdpSessionDescription? answer, out SdpParseException? error))
        {
            throw new MediaNegotiationException("The answer is not valid SDP: " + error.Message);
        }

        lock (_gate)
        {
            if (!Sessions.TryGet(participant, out ParticipantSession? session))
            {
                throw new MediaNegotiationException("There is no media session for this participant; send an offer first.");
            }

            if (session.PendingOffer is not { } offered)
            {
                throw new MediaNegotiationException("The server has no offer waiting for an answer.");
            }

            AnswerReader.Validate(answer, offered, session);
            for (int i = 0; i < offered.Length; i++)
            {
                NegotiatedSection? section = session.FindSection(offered[i].Mid);
                if (section is null || section.OfferedByParticipant)
                {
                    continue;
                }

                // A slot whose track changed while the offer waited is confirmed by the next offer's answer, not this one.
                SdpMediaSection media = answer.Media[i];
                bool accepted = !media.IsRejected && (media.Direction == SdpDirection.RecvOnly || media.Direction == SdpDirection.SendRecv);
                section.Confirmed = accepted && section.Track is not null && section.Track == offered[i].Track;
            }

            session.PendingOffer = null;
            Negotiator.ConfirmSlots(session);
            if (session.OfferDirty)
            {
                session.OfferDirty = false;
                Negotiator.SendOffer(session);
            }
        }

        return Task.CompletedTask;
    }

    private static (string Ufrag, string Pwd, string Fingerprint) ReadTransport(SdpSessionDescription offer)
    {
        SdpMediaSection? first = offer.FirstAccepted;
        if (first is null)
        {
            throw new MediaNegotiationException("The offer has no usable m-section.");
        }

        // Checked here, before any session state changes, rather than only when the sections are read.
        OfferReader.Validate(offer);

        string ufrag = offer.EffectiveIceUfrag(first) ?? throw new MediaNegotiationException("The offer lacks a=ice-ufrag.");
        string pwd = offer.EffectiveIcePwd(first) ?? throw new MediaNegotiationException("The offer lacks a=ice-pwd.");
        SdpFingerprint fingerprint = offer.EffectiveFingerprint(first) ?? throw new MediaNegotiationException("The offer lacks a=fingerprint.");
        if (!fingerprint.Algorithm.Equals("sha-256", StringComparison.OrdinalIgnoreCase))
        {
            throw new MediaNegotiationException("Only sha-256 certificate fingerprints are accepted.");
        }

        SdpSetupRole? setup = offer.EffectiveSetup(first);
        if (setup == SdpSetupRole.Passive)
        {
            throw new MediaNegotiationException("The server is the DTLS server; the offer must say a=setup:actpass or active.");
        }

        if (offer.BundleGroup is null)
        {
            throw new MediaNegotiationException("The offer must bundle its m-sections (a=group:BUNDLE).");
        }

        if (!DtlsFingerprint.TryParse(fingerprint.Text, out _))
        {
            throw new MediaNegotiationException("The offer's a=fingerprint is not a valid sha-256 fingerprint.");
        }

        return (ufrag, pwd, fingerprint.Text);
    }

    /// <summary>Reads the offer's sections; sections the server added earlier (same mid) keep their track.</summary>
    private static List<NegotiatedSection> ReadSections(SdpSessionDescription offer, ParticipantSession? existing)
    {
        var sections = new List<NegotiatedSection>(offer.Media.Count);
        foreach (SdpMediaSection media in offer.Media)
        {
            NegotiatedSection? previous = existing is null ? null : existing.FindSection(media.Mid);
            if (previous is not null && !previous.OfferedByParticipant)
            {
                sections.Add(previous);
                continue;
            }

            sections.Add(OfferReader.Read(offer, media));
        }

        if (existing is not null)
        {
            foreach (NegotiatedSection previous in existing.Sections)
            {
                if (!previous.OfferedByParticipant && !sections.Contains(previous))
                {
                    sections.Add(previous);
                }
            }
        }

        return sections;
    }

    private void PublishTracksLocked(ParticipantSession session, SdpSessionDescription offer)
    {
        var tracks = new List<PublishedTrack>();
        foreach (SdpMediaSection media in offer.Media)
        {
            NegotiatedSection? section = session.FindSection(media.Mid);
            if (section is null || section.Rejected || !section.OfferedByParticipant || !OfferReader.Publishes(media))
            {
                continue;
            }

            if (section.SimulcastRids is { } rids)
            {
                tracks.Add(SimulcastTrack(session, media, section, rids));
                continue;
            }

            if (OfferReader.PrimarySsrc(media) is not uint ssrc)
            {
                continue;
            }

            PublishedTrack? track = session.FindTrack(ssrc);
            if (track is null)
            {
                bool video = media.Kind == SdpMediaKind.Video;
                string streamId = media.Msids.Count > 0 ? media.Msids[0].StreamId : session.Participant.ParticipantId;
                string trackId = media.Msids.Count > 0 && media.Msids[0].TrackId is { } id ? id : streamId + "-" + section.Mid;
                track = new PublishedTrack(session, ssrc, video, section.Mid, streamId, trackId, section.Codecs[0].PayloadType,
                    video ? new RetransmissionBuffer(Time, RetransmissionWindow) : null);
            }

            track.SetPublisherRtx(RtxSsrc(media, ssrc), RtxPayloadTypes(section));
            if (track.IsVideo)
            {
                track.Codecs = CodecTable(section);
            }

            tracks.Add(track);
        }

        session.SetTracks(tracks.ToArray());
    }

    /// <summary>The track subscribers get from a simulcast section: one SSRC of the server's, its layers bound as their
    /// packets arrive. A renegotiation that keeps the mid and the rids keeps the track (and its subscribers).</summary>
    private static PublishedTrack SimulcastTrack(ParticipantSession session, SdpMediaSection media, NegotiatedSection section, IReadOnlyList<string> rids)
    {
        foreach (PublishedTrack existing in session.Tracks)
        {
            if (existing.Simulcast is { } group && existing.Mid == section.Mid && group.Rids.SequenceEqual(rids))
            {
                return existing;
            }
        }

        string streamId = media.Msids.Count > 0 ? media.Msids[0].StreamId : session.Participant.ParticipantId;
        string trackId = media.Msids.Count > 0 && media.Msids[0].TrackId is { } id ? id : streamId + "-" + section.Mid;
        uint ssrc = (uint)System.Security.Cryptography.RandomNumberGenerator.GetInt32(1, int.MaxValue);
        var track = new PublishedTrack(session, ssrc, isVideo: true, section.Mid, streamId, trackId, section.Codecs[0].PayloadType, retransmissions: null);
        byte[] codecs = CodecTable(section);
        track.Simulcast = new SimulcastGroup(track, rids, section.ExtensionId(OfferReader.MidUri), section.ExtensionId(OfferReader.RtpStreamIdUri),
            section.ExtensionId(OfferReader.RepairedRtpStreamIdUri), codecs, RtxPayloadTypes(section));
        return track;
    }

    /// <summary>Per payload type of the section, which codec it is (for finding keyframe starts).</summary>
    private static byte[] CodecTable(NegotiatedSection section)
    {
        byte[] codecs = new byte[128];
        foreach (NegotiatedCodec codec in section.Codecs)
        {
            codecs[codec.PayloadType & 0x7F] = codec.Name.Equals("VP8", StringComparison.OrdinalIgnoreCase) ? SimulcastGroup.Vp8
                : codec.Name.Equals("H264", StringComparison.OrdinalIgnoreCase) ? SimulcastGroup.H264 : SimulcastGroup.OtherCodec;
        }

        return codecs;
    }

    /// <summary>The transport-wide sequence extension id the participant negotiated (one per BUNDLE transport: the
    /// first accepted section of its own that has it), or 0.</summary>
    private static int TransportWideCcId(ParticipantSession session)
    {
        foreach (NegotiatedSection section in session.Sections)
        {
            if (section.OfferedByParticipant && !section.Rejected && section.TransportWideCcId is > 0 and var id)
            {
                return id;
            }
        }

        return 0;
    }

    /// <summary>The RTX SSRC paired with a primary SSRC in an a=ssrc-group:FID (RFC 5576 §4.2, RFC 4588 §8.2), or 0.</summary>
    private static uint RtxSsrc(SdpMediaSection media, uint primary)
    {
        foreach (SdpSsrcGroup group in media.SsrcGroups)
        {
            if (group.Semantics == "FID" && group.Ssrcs.Count > 1 && group.Ssrcs[0] == primary)
            {
                return group.Ssrcs[1];
            }
        }

        return 0;
    }

    private static List<(int, int)> RtxPayloadTypes(NegotiatedSection section)
    {
        var payloadTypes = new List<(int, int)>();
        foreach (NegotiatedCodec codec in section.Codecs)
        {
            if (codec.RtxPayloadType is { } rtx)
            {
                payloadTypes.Add((rtx, codec.PayloadType));
            }
        }

        return payloadTypes;
    }

    /// <summary>SSRCs are keyed per session, so another room's SSRCs are none of this offer's business; inside one
    /// room, an SSRC another participant already publishes is refused, before any state changes, because its
    /// receivers could not tell the two streams apart.</summary>
    private void EnsureSsrcsFreeLocked(MediaParticipant participant, SdpSessionDescription offer)
    {
        foreach (SdpMediaSection media in offer.Media)
        {
            if (media.IsRejected || !OfferReader.Publishes(media) || SimulcastOffer.Read(media) is not null
                || OfferReader.PrimarySsrc(media) is not uint ssrc)
            {
                continue; // simulcast layers are bound by rid per session: their SSRCs are nobody else's business
            }

            foreach (ParticipantSession other in Sessions.All)
            {
                if (other.Participant.RoomId == participant.RoomId && other.Participant != participant && other.FindTrack(ssrc) is not null)
                {
                    throw new MediaNegotiationException("The offer announces an SSRC another participant of the room already publishes.");
                }
            }
        }
    }
}
