namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>A codec both sides agreed on in one m-section, with its RTX payload type (RFC 4588) if any and the
/// RTCP feedback kept (nack, nack pli, ccm fir, goog-remb, transport-cc).</summary>
internal sealed record SdpNegotiatedCodec(
    int PayloadType,
    string Name,
    int ClockRate,
    int? Channels,
    string? Fmtp,
    IReadOnlyList<SdpRtcpFeedback> Feedback,
    int? RtxPayloadType)
{
    public bool Is(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);

    public bool HasFeedback(string type, string? parameter = null)
    {
        foreach (SdpRtcpFeedback feedback in Feedback)
        {
            if (feedback.Type == type && feedback.Parameter == parameter)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A track's SSRCs and identity as carried in SDP (a=ssrc cname/msid, a=ssrc-group:FID, a=msid).</summary>
internal sealed record SdpTrackSsrcs(uint Ssrc, uint? RtxSsrc, string? Cname, string? StreamId, string? TrackId);

/// <summary>Which side created an m-section: the participant's own offer, or the server's re-offer for another
/// participant's track.</summary>
internal enum SdpMediaOrigin
{
    Participant,
    Server,
}

/// <summary>The agreed state of one m-section. Directions are from the server's point of view (Local) and the
/// participant's (Remote). Extension ids are the ones the participant uses in RTP header extensions. TrackKey names
/// the forwarded track of a server-created m-section; MediaToken and RejectedFormats keep what a rejected m= line
/// needs to be written again.</summary>
internal sealed record SdpNegotiatedMedia(
    string Mid,
    SdpMediaKind Kind,
    string Protocol,
    bool Rejected,
    SdpMediaOrigin Origin,
    SdpDirection LocalDirection,
    SdpDirection RemoteDirection,
    IReadOnlyList<SdpNegotiatedCodec> Codecs,
    IReadOnlyList<SdpExtmap> Extensions,
    bool RtcpRsize,
    SdpTrackSsrcs? RemoteTrack,
    SdpTrackSsrcs? LocalTrack,
    string? TrackKey,
    string? MediaToken = null,
    IReadOnlyList<string>? RejectedFormats = null)
{
    public int? FindExtensionId(string uri)
    {
        foreach (SdpExtmap extension in Extensions)
        {
            if (extension.Uri == uri)
            {
                return extension.Id;
            }
        }

        return null;
    }

    public SdpNegotiatedCodec? FindCodec(int payloadType)
    {
        foreach (SdpNegotiatedCodec codec in Codecs)
        {
            if (codec.PayloadType == payloadType || codec.RtxPayloadType == payloadType)
            {
                return codec;
            }
        }

        return null;
    }

    public SdpNegotiatedCodec? FindCodec(string name)
    {
        foreach (SdpNegotiatedCodec codec in Codecs)
        {
            if (codec.Is(name))
            {
                return codec;
            }
        }

        return null;
    }
}

/// <summary>What the server holds per participant after an offer/answer exchange: every m-section in order
/// (mids never change, rejected ones stay), the session id/version of the server's descriptions, the remote ICE
/// credentials and DTLS fingerprint.</summary>
internal sealed record SdpNegotiatedSession(
    string SessionId,
    ulong SessionVersion,
    IReadOnlyList<SdpNegotiatedMedia> Media,
    string RemoteIceUfrag,
    string RemoteIcePwd,
    SdpFingerprint RemoteFingerprint)
{
    public SdpNegotiatedMedia? FindMedia(string mid)
    {
        foreach (SdpNegotiatedMedia media in Media)
        {
            if (media.Mid == mid)
            {
                return media;
            }
        }

        return null;
    }
}
