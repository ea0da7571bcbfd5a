namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>o= line (RFC 8866 §5.2).</summary>
internal sealed record SdpOrigin(string Username, string SessionId, ulong SessionVersion, string NetType, string AddressType, string Address);

/// <summary>a=group (RFC 5888), e.g. BUNDLE 0 1.</summary>
internal sealed record SdpGroup(string Semantics, IReadOnlyList<string> Mids);

/// <summary>a=fingerprint (RFC 8122): hash function name (lower case) and colon-separated upper-case hex.</summary>
internal sealed record SdpFingerprint(string Algorithm, string Value)
{
    /// <summary>"algorithm value", as the attribute writes it and as a session keeps it.</summary>
    public string Text => Algorithm + " " + Value;
}

/// <summary>a=rtpmap: payload type, encoding name, clock rate and channel count (audio).</summary>
internal sealed record SdpRtpMap(int PayloadType, string EncodingName, int ClockRate, int? Channels)
{
    public bool IsCodec(string name) => string.Equals(EncodingName, name, StringComparison.OrdinalIgnoreCase);
}

/// <summary>a=rtcp-fb (RFC 4585 §4.2): PayloadType null means the wildcard "*".</summary>
internal sealed record SdpRtcpFeedback(int? PayloadType, string Type, string? Parameter);

/// <summary>a=extmap (RFC 8285 §8).</summary>
internal sealed record SdpExtmap(int Id, SdpDirection? Direction, string Uri, string? Attributes);

/// <summary>a=ssrc (RFC 5576 §4.1), e.g. "cname" or "msid".</summary>
internal sealed record SdpSsrcAttribute(uint Ssrc, string Name, string? Value);

/// <summary>a=ssrc-group (RFC 5576 §4.2), e.g. FID primary rtx.</summary>
internal sealed record SdpSsrcGroup(string Semantics, IReadOnlyList<uint> Ssrcs);

/// <summary>a=msid (RFC 8830): stream id and optional track id.</summary>
internal sealed record SdpMsid(string StreamId, string? TrackId);

/// <summary>An attribute the model has no field for, kept as name and optional value.</summary>
internal sealed record SdpAttribute(string Name, string? Value);
