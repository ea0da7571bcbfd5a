using System.Globalization;
using Doctolib.Telehealth.Media.Sdp;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Turns a parsed browser offer into the sections the server accepts: Opus, VP8 and H.264
/// (packetization-mode 1) with NACK/PLI/FIR/REMB and transport-cc feedback, RTX (RFC 4588, <c>apt</c>) for each
/// accepted video codec, and the header extensions the forwarder can carry, the transport-wide sequence number
/// (draft-holmer-rmcat-transport-wide-cc-extensions-01) among them, each with the id the browser chose.</summary>
internal static class OfferReader
{
    public const string MidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public const string MissingMid = "Every m-section needs an a=mid (Unified Plan with BUNDLE).";
    public const string UdpRtpProtocol = "UDP/TLS/RTP/SAVPF";
    public const string TcpRtpProtocol = "TCP/DTLS/RTP/SAVPF";
    public const string SupportedCodecs =
        "Opus (opus/48000) for audio; VP8 (VP8/90000) or H.264 (H264/90000 with packetization-mode=1 and profile-level-id=42e01f) for video";
    private static readonly string[] SupportedExtensions =
    [
        MidUri,
        "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
        "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
        "urn:ietf:params:rtp-hdrext:toffset",
        "urn:3gpp:video-orientation",
        TransportWideCcUri,
    ];

    public const string TransportWideCcUri = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    /// <summary>RFC 8852 §3.3: the RtpStreamId of a simulcast layer, and of the layer an RTX stream repairs.</summary>
    public const string RtpStreamIdUri = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    public const string RepairedRtpStreamIdUri = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    public const string TransportCcFeedback = "transport-cc";

    private static readonly string[] SupportedFeedback = ["nack", "nack pli", "ccm fir", "goog-remb", TransportCcFeedback];

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
            Protocol = media.Protocol,
            RejectedFormats = media.Formats.Count > 0 ? string.Join(' ', media.Formats) : "0",
        };
        if (!IsNegotiable(media))
        {
            section.Rejected = true;
            return section;
        }

        foreach (SdpRtpMap map in media.RtpMaps)
        {
            if (IsOfferedAndSupported(media, map))
            {
                section.Codecs.Add(new NegotiatedCodec(map.PayloadType, map.EncodingName, map.ClockRate, map.Channels,
                    media.FindFmtp(map.PayloadType), FeedbackFor(media, map.PayloadType)));
            }
        }

        if (media.Kind == SdpMediaKind.Video)
        {
            AddRetransmission(media, section.Codecs);
        }

        section.SimulcastRids = SimulcastOffer.Read(media);
        foreach (SdpExtmap extmap in media.Extmaps)
        {
            bool supported = Array.IndexOf(SupportedExtensions, extmap.Uri) >= 0
                || (section.SimulcastRids is not null && extmap.Uri is RtpStreamIdUri or RepairedRtpStreamIdUri);
            if (supported && extmap.Id is > 0 and < 15)
            {
                section.Extensions.Add(new NegotiatedExtension(extmap.Id, extmap.Uri, extmap.Direction));
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

    /// <summary>Refuses, before any session state changes, an offer the server cannot negotiate: a missing or shared
    /// a=mid, a BUNDLE group naming an unknown mid, an accepted audio or video section that is not DTLS-SRTP with
    /// feedback or lacks rtcp-mux or maps one header extension id twice, and an offer with no supported codec at all.
    /// Messages name the m-section by position and never quote the offer.</summary>
    public static void Validate(SdpSessionDescription offer)
    {
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        bool anySupportedCodec = false;
        for (int i = 0; i < offer.Media.Count; i++)
        {
            SdpMediaSection media = offer.Media[i];
            int position = i + 1;
            string mid = media.Mid ?? throw new MediaNegotiationException(MissingMid);
            if (!positions.TryAdd(mid, position))
            {
                throw new MediaNegotiationException(Invariant(
                    $"m-sections {positions[mid]} and {position} have the same a=mid; every m-section needs its own mid."));
            }

            if (!IsNegotiable(media))
            {
                // Rejected by the offerer, or answered rejected (data channel, other media): nothing to check.
                continue;
            }

            if (media.Protocol != UdpRtpProtocol && media.Protocol != TcpRtpProtocol)
            {
                throw new MediaNegotiationException(Invariant(
                    $"m-section {position} ({media.Media}) must use {UdpRtpProtocol} or {TcpRtpProtocol}: the server only does DTLS-SRTP with RTCP feedback."));
            }

            if (!media.RtcpMux)
            {
                throw new MediaNegotiationException(Invariant(
                    $"m-section {position} ({media.Media}) lacks a=rtcp-mux: the server only carries RTCP on the RTP port."));
            }

            var extensionIds = new HashSet<int>();
            foreach (SdpExtmap extmap in media.Extmaps)
            {
                if (!extensionIds.Add(extmap.Id))
                {
                    throw new MediaNegotiationException(Invariant(
                        $"m-section {position} ({media.Media}) has two a=extmap lines with id {extmap.Id}; each id must name one header extension."));
                }
            }

            foreach (SdpRtpMap map in media.RtpMaps)
            {
                anySupportedCodec |= IsOfferedAndSupported(media, map);
            }
        }

        if (offer.BundleGroup is { } bundle)
        {
            for (int i = 0; i < bundle.Mids.Count; i++)
            {
                if (!positions.ContainsKey(bundle.Mids[i]))
                {
                    throw new MediaNegotiationException(Invariant(
                        $"a=group:BUNDLE names a mid (entry {i + 1}) that no m-section has; list only the a=mid values of the offer's m-sections."));
                }
            }
        }

        if (!anySupportedCodec)
        {
            throw new MediaNegotiationException("No audio or video m-section offers a codec the server supports; offer " + SupportedCodecs + ".");
        }
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

    /// <summary>An audio or video RTP section the offerer did not reject: the server answers it, or refuses the offer.</summary>
    private static bool IsNegotiable(SdpMediaSection media) =>
        !media.IsRejected && media.IsRtp && (media.Kind == SdpMediaKind.Audio || media.Kind == SdpMediaKind.Video);

    private static bool IsListed(SdpMediaSection media, int payloadType)
    {
        foreach (string format in media.Formats)
        {
            if (int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out int listed) && listed == payloadType)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A codec we take, mapped for a payload type the m= line lists: an a=rtpmap for a payload type the
    /// m= line does not list is not offered (RFC 8866 §6.6) and is ignored.</summary>
    private static bool IsOfferedAndSupported(SdpMediaSection media, SdpRtpMap map) =>
        IsListed(media, map.PayloadType) && IsSupported(media, map);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

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

    /// <summary>RFC 4588 §8.1: an <c>rtx</c> payload type whose <c>a=fmtp apt=</c> names an accepted codec is that
    /// codec's retransmission format; the first one listed for a codec wins.</summary>
    private static void AddRetransmission(SdpMediaSection media, List<NegotiatedCodec> codecs)
    {
        foreach (SdpRtpMap map in media.RtpMaps)
        {
            if (!map.IsCodec("rtx") || !IsListed(media, map.PayloadType) || ReadApt(media.FindFmtp(map.PayloadType)) is not int apt)
            {
                continue;
            }

            for (int i = 0; i < codecs.Count; i++)
            {
                if (codecs[i].PayloadType == apt && codecs[i].RtxPayloadType is null && map.ClockRate == codecs[i].ClockRate)
                {
                    codecs[i] = codecs[i] with { RtxPayloadType = map.PayloadType };
                }
            }
        }
    }

    private static int? ReadApt(string? fmtp)
    {
        if (fmtp is null)
        {
            return null;
        }

        foreach (string part in fmtp.Split(';'))
        {
            string trimmed = part.Trim();
            if (trimmed.StartsWith("apt=", StringComparison.Ordinal)
                && int.TryParse(trimmed.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out int apt) && apt is >= 0 and < 128)
            {
                return apt;
            }
        }

        return null;
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
