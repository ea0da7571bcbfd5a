namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>One m-section of a session description (RFC 8866 §5.14) with the WebRTC attributes parsed.
/// Lists keep the order of the SDP. ICE and DTLS values here are the media-level ones; see
/// <see cref="SdpSessionDescription"/> for the effective values that fall back to session level.</summary>
internal sealed class SdpMediaSection
{
    public required SdpMediaKind Kind { get; init; }
    public required string Media { get; init; }
    public required int Port { get; init; }
    public required string Protocol { get; init; }
    public required IReadOnlyList<string> Formats { get; init; }

    /// <summary>1-based line number of the m= line, for error messages.</summary>
    public int LineNumber { get; init; }

    public bool IsRejected => Port == 0 && !BundleOnly;
    public bool IsRtp => Protocol.Contains("RTP", StringComparison.Ordinal);

    public string? Connection { get; set; }
    public string? Mid { get; set; }
    public SdpDirection Direction { get; set; } = SdpDirection.SendRecv;
    public bool HasExplicitDirection { get; set; }
    public string? IceUfrag { get; set; }
    public string? IcePwd { get; set; }
    public List<string> IceOptions { get; } = [];
    public SdpFingerprint? Fingerprint { get; set; }
    public SdpSetupRole? Setup { get; set; }
    public bool RtcpMux { get; set; }
    public bool RtcpRsize { get; set; }
    public bool BundleOnly { get; set; }
    public bool EndOfCandidates { get; set; }
    public int? SctpPort { get; set; }
    public int? MaxMessageSize { get; set; }
    public List<SdpRtpMap> RtpMaps { get; } = [];
    public Dictionary<int, string> Fmtps { get; } = [];
    public List<SdpRtcpFeedback> RtcpFeedbacks { get; } = [];
    public List<SdpExtmap> Extmaps { get; } = [];
    public List<SdpSsrcAttribute> SsrcAttributes { get; } = [];
    public List<SdpSsrcGroup> SsrcGroups { get; } = [];
    public List<SdpMsid> Msids { get; } = [];
    public List<SdpCandidate> Candidates { get; } = [];
    public List<SdpAttribute> OtherAttributes { get; } = [];

    public SdpRtpMap? FindRtpMap(int payloadType)
    {
        foreach (SdpRtpMap map in RtpMaps)
        {
            if (map.PayloadType == payloadType)
            {
                return map;
            }
        }

        return null;
    }

    public string? FindFmtp(int payloadType) => Fmtps.TryGetValue(payloadType, out string? value) ? value : null;

    /// <summary>Distinct SSRCs in the order a=ssrc lines first name them.</summary>
    public IReadOnlyList<uint> Ssrcs()
    {
        var result = new List<uint>();
        foreach (SdpSsrcAttribute attribute in SsrcAttributes)
        {
            if (!result.Contains(attribute.Ssrc))
            {
                result.Add(attribute.Ssrc);
            }
        }

        return result;
    }

    public string? SsrcAttribute(uint ssrc, string name)
    {
        foreach (SdpSsrcAttribute attribute in SsrcAttributes)
        {
            if (attribute.Ssrc == ssrc && attribute.Name == name)
            {
                return attribute.Value;
            }
        }

        return null;
    }
}
