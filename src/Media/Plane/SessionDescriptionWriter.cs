using System.Globalization;
using System.Text;
using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Sdp;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Writes the server's SDP for one participant: the answer to its offer and the server's re-offers.
/// ICE-lite, BUNDLE on every accepted section, rtcp-mux, DTLS passive (the browser is the DTLS client).</summary>
internal static class SessionDescriptionWriter
{
    public static string Write(ParticipantSession session, IReadOnlyList<NegotiatedSection> sections, bool isOffer, ServerTransportInfo transport)
    {
        var sdp = new StringBuilder(1024 + (sections.Count * 700));
        sdp.Append("v=0\r\n");
        sdp.Append("o=- ").Append(session.SdpSessionId.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(session.NextSdpVersion().ToString(CultureInfo.InvariantCulture)).Append(" IN IP4 ").Append(transport.AdvertisedAddress).Append("\r\n");
        sdp.Append("s=-\r\nt=0 0\r\na=ice-lite\r\n");
        sdp.Append("a=group:BUNDLE");
        foreach (NegotiatedSection section in sections)
        {
            if (!section.Rejected)
            {
                sdp.Append(' ').Append(section.Mid);
            }
        }

        sdp.Append("\r\na=msid-semantic: WMS *\r\n");
        // The first accepted section is BUNDLE's tag: it carries the port and the candidates.
        bool tagWritten = false;
        foreach (NegotiatedSection section in sections)
        {
            bool tag = !tagWritten && !section.Rejected;
            WriteSection(sdp, session, section, isOffer, transport, tag);
            tagWritten |= tag;
        }

        return sdp.ToString();
    }

    private static void WriteSection(StringBuilder sdp, ParticipantSession session, NegotiatedSection section, bool isOffer,
        ServerTransportInfo transport, bool first)
    {
        string kind = section.Kind.ToSdp();
        if (section.Rejected)
        {
            sdp.Append("m=").Append(section.MediaName ?? kind).Append(" 0 ").Append(section.Protocol).Append(' ').Append(section.RejectedFormats)
                .Append("\r\nc=IN IP4 0.0.0.0\r\na=mid:").Append(section.Mid).Append("\r\na=inactive\r\n");
            return;
        }

        sdp.Append("m=").Append(kind).Append(' ').Append(first ? transport.UdpPort : 9).Append(' ').Append(section.Protocol);
        foreach (NegotiatedCodec codec in section.Codecs)
        {
            sdp.Append(' ').Append(codec.PayloadType);
            if (codec.RtxPayloadType is { } rtx)
            {
                sdp.Append(' ').Append(rtx);
            }
        }

        sdp.Append("\r\nc=IN IP4 ").Append(transport.AdvertisedAddress).Append("\r\n");
        sdp.Append("a=rtcp:9 IN IP4 0.0.0.0\r\n");
        sdp.Append("a=ice-ufrag:").Append(session.LocalUfrag).Append("\r\n");
        sdp.Append("a=ice-pwd:").Append(session.LocalPwd).Append("\r\n");
        sdp.Append("a=fingerprint:").Append(transport.Fingerprint).Append("\r\n");
        sdp.Append("a=setup:passive\r\n");
        sdp.Append("a=mid:").Append(section.Mid).Append("\r\n");
        foreach (NegotiatedExtension extension in section.Extensions)
        {
            if (section.OfferedByParticipant)
            {
                sdp.Append("a=extmap:").Append(extension.Id);
                if (AnswerDirection(extension.OfferedDirection) is { } answered)
                {
                    sdp.Append('/').Append(answered.ToSdp());
                }

                sdp.Append(' ').Append(extension.Uri).Append("\r\n");
            }
            else if (!IsPublisherOnly(extension.Uri))
            {
                sdp.Append("a=extmap:").Append(extension.Id).Append(' ').Append(extension.Uri).Append("\r\n");
            }
        }

        SdpDirection direction = section.OfferedByParticipant ? section.ServerDirection
            : section.Track is null ? SdpDirection.Inactive : SdpDirection.SendOnly;
        sdp.Append("a=").Append(direction.ToSdp()).Append("\r\n");
        if (direction == SdpDirection.SendOnly && section.Track is { } track)
        {
            sdp.Append("a=msid:").Append(track.StreamId).Append(' ').Append(track.TrackId).Append("\r\n");
        }

        sdp.Append("a=rtcp-mux\r\n");
        if (section.RtcpRsize)
        {
            sdp.Append("a=rtcp-rsize\r\n");
        }

        foreach (NegotiatedCodec codec in section.Codecs)
        {
            sdp.Append("a=rtpmap:").Append(codec.PayloadType).Append(' ').Append(codec.Name).Append('/').Append(codec.ClockRate);
            if (codec.Channels is { } channels)
            {
                sdp.Append('/').Append(channels);
            }

            sdp.Append("\r\n");
            foreach (string feedback in codec.Feedback)
            {
                sdp.Append("a=rtcp-fb:").Append(codec.PayloadType).Append(' ').Append(feedback).Append("\r\n");
            }

            if (codec.Fmtp is not null)
            {
                sdp.Append("a=fmtp:").Append(codec.PayloadType).Append(' ').Append(codec.Fmtp).Append("\r\n");
            }

            if (codec.RtxPayloadType is { } rtx)
            {
                // RFC 4588 §8.1: the retransmission format of this codec.
                sdp.Append("a=rtpmap:").Append(rtx).Append(" rtx/").Append(codec.ClockRate).Append("\r\n");
                sdp.Append("a=fmtp:").Append(rtx).Append(" apt=").Append(codec.PayloadType).Append("\r\n");
            }
        }

        if (section.OfferedByParticipant && section.SimulcastRids is { } rids)
        {
            // RFC 8853 §5.3 / RFC 8851 §4: the answerer receives each offered layer, in the offer's order.
            foreach (string rid in rids)
            {
                sdp.Append("a=rid:").Append(rid).Append(" recv\r\n");
            }

            sdp.Append("a=simulcast:recv ").Append(string.Join(';', rids)).Append("\r\n");
        }

        if (direction == SdpDirection.SendOnly && section.Track is { } sent)
        {
            string ssrc = sent.Ssrc.ToString(CultureInfo.InvariantCulture);
            if (section.HasRetransmission)
            {
                // RFC 5576 §4.2 / RFC 4588 §8.2: the server's RTX stream for this track, on which NACKs are answered.
                sdp.Append("a=ssrc-group:FID ").Append(ssrc).Append(' ').Append(sent.ServerRtxSsrc.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            }

            AppendSsrc(sdp, ssrc, sent);
            if (section.HasRetransmission)
            {
                AppendSsrc(sdp, sent.ServerRtxSsrc.ToString(CultureInfo.InvariantCulture), sent);
            }
        }

        if (first)
        {
            sdp.Append("a=candidate:1 1 udp 2130706431 ").Append(transport.AdvertisedAddress).Append(' ')
                .Append(transport.UdpPort).Append(" typ host generation 0\r\n");
            if (transport.TcpPort is { } tcpPort)
            {
                sdp.Append("a=candidate:2 1 tcp 1518280447 ").Append(transport.AdvertisedAddress).Append(' ')
                    .Append(tcpPort).Append(" typ host tcptype passive generation 0\r\n");
            }

            sdp.Append("a=end-of-candidates\r\n");
        }
    }

    /// <summary>RFC 8285 §7: the answer's direction for an extension the offer gave one (its mirror), or none.</summary>
    private static SdpDirection? AnswerDirection(SdpDirection? offered) => offered switch
    {
        SdpDirection.SendOnly => SdpDirection.RecvOnly,
        SdpDirection.RecvOnly => SdpDirection.SendOnly,
        _ => offered,
    };

    /// <summary>Extensions that describe the publisher's own streams and are stripped before forwarding: the server
    /// does not offer them on the sections it sends.</summary>
    internal static bool IsPublisherOnly(string uri) =>
        uri is OfferReader.MidUri or OfferReader.RtpStreamIdUri or OfferReader.RepairedRtpStreamIdUri;

    private static void AppendSsrc(StringBuilder sdp, string ssrc, PublishedTrack track)
    {
        sdp.Append("a=ssrc:").Append(ssrc).Append(" cname:").Append(track.StreamId).Append("\r\n");
        sdp.Append("a=ssrc:").Append(ssrc).Append(" msid:").Append(track.StreamId).Append(' ').Append(track.TrackId).Append("\r\n");
    }
}

/// <summary>What the server's SDP says about its own transport.</summary>
internal sealed record ServerTransportInfo(string AdvertisedAddress, int UdpPort, int? TcpPort, string Fingerprint);
