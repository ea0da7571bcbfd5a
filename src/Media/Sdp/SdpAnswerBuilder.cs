namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>Answers a browser's offer as an ICE-lite, DTLS-server SFU (RFC 8829 §5.3): the same m-sections in the same
/// order with the same mids, all accepted ones bundled, rtcp-mux, codecs and extensions we forward, the rest rejected
/// with port 0.</summary>
internal static class SdpAnswerBuilder
{
    public static SdpAnswer Build(SdpSessionDescription offer, SdpAnswerOptions options)
    {
        SdpOffer.Validate(offer, isOffer: true);
        var media = new List<SdpNegotiatedMedia>(offer.Media.Count);
        SdpMediaSection? transportSection = null;
        SdpGroup? bundle = offer.BundleGroup;
        foreach (SdpMediaSection offered in offer.Media)
        {
            SdpNegotiatedMedia answered = Answer(offered, bundle, options);
            media.Add(answered);
            if (!answered.Rejected)
            {
                transportSection ??= offered;
            }
        }

        if (transportSection is null)
        {
            throw new SdpParseException(0, "no m-section of the offer can be accepted (no Opus audio nor VP8/H.264 video)");
        }

        var transport = new SdpServerTransport(options.IceCredentials, options.DtlsFingerprint, options.Candidates, SdpSetupRole.Passive);
        string sessionId = options.Previous?.SessionId ?? options.SessionId;
        ulong sessionVersion = options.Previous is null ? options.SessionVersion : options.Previous.SessionVersion + 1;
        var negotiated = new SdpNegotiatedSession(
            sessionId,
            sessionVersion,
            media,
            offer.EffectiveIceUfrag(transportSection)!,
            offer.EffectiveIcePwd(transportSection)!,
            offer.EffectiveFingerprint(transportSection)!);
        return new SdpAnswer(SdpWriter.Write(sessionId, sessionVersion, media, transport), negotiated);
    }

    private static SdpNegotiatedMedia Answer(SdpMediaSection offered, SdpGroup? bundle, SdpAnswerOptions options)
    {
        string mid = offered.Mid!;
        bool bundled = bundle is null || bundle.Mids.Contains(mid);
        List<SdpNegotiatedCodec> codecs = offered.IsRejected || !offered.IsRtp || !bundled
            ? []
            : SdpCodecPolicy.Select(offered, options.EnableTransportCc, options.AllowH264);
        if (codecs.Count == 0)
        {
            return Rejected(offered);
        }

        SdpDirection wanted = options.DirectionByMid?.TryGetValue(mid, out SdpDirection byMid) == true ? byMid : options.DefaultDirection;
        SdpTrackSsrcs? localTrack = options.LocalTracksByMid?.TryGetValue(mid, out SdpTrackSsrcs? track) == true ? track : null;
        SdpNegotiatedMedia? previous = options.Previous?.FindMedia(mid);
        bool serverCreated = previous is { Origin: SdpMediaOrigin.Server, Rejected: false, LocalTrack: not null };
        if (serverCreated)
        {
            wanted = SdpDirection.SendOnly;
            localTrack = previous!.LocalTrack;
        }

        bool send = wanted.Sends() && offered.Direction.Receives() && localTrack is not null;
        bool receive = wanted.Receives() && offered.Direction.Sends();
        return new SdpNegotiatedMedia(
            mid,
            offered.Kind,
            offered.Protocol,
            Rejected: false,
            serverCreated ? SdpMediaOrigin.Server : SdpMediaOrigin.Participant,
            SdpEnumText.FromFlags(send, receive),
            offered.Direction,
            codecs,
            KeptExtensions(offered, options.EnableTransportCc),
            offered.RtcpRsize,
            RemoteTrack(offered),
            send ? localTrack : null,
            TrackKey: serverCreated ? previous!.TrackKey : null,
            MediaToken: offered.Media);
    }

    private static SdpNegotiatedMedia Rejected(SdpMediaSection offered) => new(
        offered.Mid!,
        offered.Kind,
        offered.Protocol,
        Rejected: true,
        SdpMediaOrigin.Participant,
        SdpDirection.Inactive,
        offered.Direction,
        [],
        [],
        RtcpRsize: false,
        RemoteTrack: null,
        LocalTrack: null,
        TrackKey: null,
        MediaToken: offered.Media,
        RejectedFormats: offered.Formats);

    private static List<SdpExtmap> KeptExtensions(SdpMediaSection offered, bool keepTransportCc)
    {
        var kept = new List<SdpExtmap>();
        foreach (SdpExtmap extension in offered.Extmaps)
        {
            bool supported = extension.Uri switch
            {
                SdpExtensionUris.Mid => true,
                SdpExtensionUris.AbsSendTime => true,
                SdpExtensionUris.TransportWideCc => keepTransportCc,
                _ => false,
            };
            if (supported && extension.Id <= 14)
            {
                kept.Add(new SdpExtmap(extension.Id, null, extension.Uri, null));
            }
        }

        return kept;
    }

    /// <summary>The offerer's sending track: the FID group's first SSRC (its RTX second) or the first a=ssrc.</summary>
    internal static SdpTrackSsrcs? RemoteTrack(SdpMediaSection offered)
    {
        if (!offered.Direction.Sends())
        {
            return null;
        }

        uint? primary = null;
        uint? rtx = null;
        foreach (SdpSsrcGroup group in offered.SsrcGroups)
        {
            if (group.Semantics == "FID" && group.Ssrcs.Count == 2)
            {
                primary = group.Ssrcs[0];
                rtx = group.Ssrcs[1];
                break;
            }
        }

        if (primary is null)
        {
            IReadOnlyList<uint> ssrcs = offered.Ssrcs();
            if (ssrcs.Count == 0)
            {
                return null;
            }

            primary = ssrcs[0];
        }

        string? streamId = offered.Msids.Count > 0 ? offered.Msids[0].StreamId : null;
        string? trackId = offered.Msids.Count > 0 ? offered.Msids[0].TrackId : null;
        if (streamId is null && offered.SsrcAttribute(primary.Value, "msid") is { } ssrcMsid)
        {
            string[] parts = ssrcMsid.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            streamId = parts.Length > 0 ? parts[0] : null;
            trackId = parts.Length > 1 ? parts[1] : null;
        }

        return new SdpTrackSsrcs(primary.Value, rtx, offered.SsrcAttribute(primary.Value, "cname"), streamId, trackId);
    }
}
