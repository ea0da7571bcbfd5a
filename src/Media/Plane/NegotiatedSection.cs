using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Sdp;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>One m-section of a participant's session as the server sees it. Sections the participant offered
/// carry what it publishes (we answer recvonly); sections the server added carry one other participant's track
/// (sendonly), or nothing once that participant left (inactive, kept so the m-line order never changes).</summary>
internal sealed class NegotiatedSection
{
    public required string Mid { get; init; }
    public required SdpMediaKind Kind { get; init; }

    /// <summary>The m= line's media name as offered ("audio", "video", "application").</summary>
    public string? MediaName { get; init; }
    public required bool OfferedByParticipant { get; init; }
    public bool Rejected { get; set; }

    /// <summary>The offer's protocol, echoed in the answer whether the section is accepted or rejected (RFC 8829 §5.3.1);
    /// UDP/TLS/RTP/SAVPF for sections the server added.</summary>
    public string Protocol { get; init; } = OfferReader.UdpRtpProtocol;

    /// <summary>The offer's formats, echoed when the section is rejected (RFC 8829 §5.3.1).</summary>
    public string RejectedFormats { get; init; } = "0";
    public SdpDirection ServerDirection { get; set; }
    public List<NegotiatedCodec> Codecs { get; init; } = [];
    public List<NegotiatedExtension> Extensions { get; init; } = [];
    public bool RtcpRsize { get; set; }

    /// <summary>For a section the participant sends simulcast on (RFC 8853 <c>a=simulcast:send</c> with
    /// <c>a=rid:… send</c> and the RtpStreamId header extension): its rids in the offer's order; null otherwise.</summary>
    public IReadOnlyList<string>? SimulcastRids { get; set; }

    /// <summary>The id of the header extension with this URI on this section, or 0.</summary>
    public int ExtensionId(string uri)
    {
        foreach (NegotiatedExtension extension in Extensions)
        {
            if (extension.Uri == uri)
            {
                return extension.Id;
            }
        }

        return 0;
    }

    /// <summary>The transport-wide sequence number extension id negotiated on this section (its URI in
    /// <see cref="Extensions"/> and transport-cc feedback on a codec), or 0.</summary>
    public int TransportWideCcId
    {
        get
        {
            bool feedback = false;
            foreach (NegotiatedCodec codec in Codecs)
            {
                feedback |= codec.Feedback.Contains(OfferReader.TransportCcFeedback);
            }

            if (feedback)
            {
                foreach (NegotiatedExtension extension in Extensions)
                {
                    if (extension.Uri == OfferReader.TransportWideCcUri)
                    {
                        return extension.Id;
                    }
                }
            }

            return 0;
        }
    }

    /// <summary>True when a codec of this section has an RTX payload type.</summary>
    public bool HasRetransmission
    {
        get
        {
            foreach (NegotiatedCodec codec in Codecs)
            {
                if (codec.RtxPayloadType is not null)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>For a server-added section: the track it carries, or null when inactive.</summary>
    public PublishedTrack? Track { get; set; }

    /// <summary>True once the participant answered an offer that contained <see cref="Track"/>.</summary>
    public bool Confirmed { get; set; }
}
