using Doctolib.Telehealth.Media.Sdp;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Turns a parsed browser offer into the sections the server accepts: Opus, VP8 and H.264
/// (packetization-mode 1) with NACK/PLI/FIR/REMB feedback, and the header extensions the forwarder can carry.
/// transport-cc is deliberately not accepted so the browser's bandwidth estimate follows our REMB.</summary>
internal static class OfferReader
{
    public const string MidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public const string MissingMid = "Every m-section needs an a=mid (Unified Plan with BUNDLE).";
    private static readonly string[] SupportedExtensions =
    [
        MidUri,
        "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
        "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
        "urn:ietf:params:rtp-hdrext:toffset",
        "urn:3gpp:video-orientation",
    ];

    private static readonly string[] SupportedFeedback = ["nack", "nack pli", "ccm fir", "goog-remb"];

    public static NegotiatedSection Read(SdpSessionDescription offer, SdpMediaSection media)
    {
        string mid = media.Mid ?? throw new MediaNegotiationException(MissingMid);
        var section = new NegotiatedSection
        {
            Mid = mid,
            Kind = media.Kind,
            MediaName = media.Media,
            OfferedByParticipant = true,
            RtcpRsize = media.RtcpRsize,
            RejectedProtocol = media.Protocol,
            RejectedFormats = media.Formats.Count > 0 ? string.Join(' ', media.Formats) : "0",
        };
        if (media.IsRejected || !media.IsRtp || (media.Kind != SdpMediaKind.Audio && media.Kind != SdpMediaKind.Video))
        {
            section.Rejected = true;
            return section;
        }

        foreach (SdpRtpMap map in media.RtpMaps)
        {
            if (IsSupported(media, map))
            {
                section.Codecs.Add(new NegotiatedCodec(map.PayloadType, map.EncodingName, map.ClockRate, map.Channels,
                    media.FindFmtp(map.PayloadType), FeedbackFor(media, map.PayloadType)));
            }
        }

        foreach (SdpExtmap extmap in media.Extmaps)
        {
            if (Array.IndexOf(SupportedExtensions, extmap.Uri) >= 0 && extmap.Id is > 0 and < 15)
            {
                section.Extensions.Add(new NegotiatedExtension(extmap.Id, extmap.Uri));
            }
        }

        if (section.Codecs.Count == 0)
        {
            section.Rejected = true;
            return section;
        }

        section.ServerDirection = media.Direction switch
        {
            SdpDirection.SendRecv or SdpDirection.SendOnly => SdpDirection.RecvOnly,
            _ => SdpDirection.Inactive,
        };
        return section;
    }

    public static bool Publishes(SdpMediaSection media) =>
        !media.IsRejected && (media.Direction == SdpDirection.SendRecv || media.Direction == SdpDirection.SendOnly);

    /// <summary>The primary SSRC of a sending m-section (not the RTX or FEC one of an ssrc-group).</summary>
    public static uint? PrimarySsrc(SdpMediaSection media)
    {
        foreach (SdpSsrcGroup group in media.SsrcGroups)
        {
            if (group.Semantics == "FID" && group.Ssrcs.Count > 0)
            {
                return group.Ssrcs[0];
            }
        }

        IReadOnlyList<uint> ssrcs = media.Ssrcs();
        return ssrcs.Count > 0 ? ssrcs[0] : null;
    }

    private static bool IsSupported(SdpMediaSection media, SdpRtpMap map)
    {
        if (media.Kind == SdpMediaKind.Audio)
        {
            return map.EncodingName.Equals("opus", StringComparison.OrdinalIgnoreCase) && map.ClockRate == 48000;
        }

        if (map.EncodingName.Equals("VP8", StringComparison.OrdinalIgnoreCase))
        {
            return map.ClockRate == 90000;
        }

        if (map.EncodingName.Equals("H264", StringComparison.OrdinalIgnoreCase))
        {
            string? fmtp = media.FindFmtp(map.PayloadType);
            return fmtp is not null && fmtp.Contains("packetization-mode=1", StringComparison.Ordinal)
                && fmtp.Contains("profile-level-id=42e01f", StringComparison.OrdinalIgnoreCase);
        }

        return false;
    }

    private static List<string> FeedbackFor(SdpMediaSection media, int payloadType)
    {
        var feedback = new List<string>();
        foreach (SdpRtcpFeedback fb in media.RtcpFeedbacks)
        {
            if (fb.PayloadType is not null && fb.PayloadType != payloadType)
            {
                continue;
            }

            string text = fb.Parameter is null ? fb.Type : fb.Type + " " + fb.Parameter;
            if (Array.IndexOf(SupportedFeedback, text) >= 0 && !feedback.Contains(text))
            {
                feedback.Add(text);
            }
        }

        return feedback;
    }
}
