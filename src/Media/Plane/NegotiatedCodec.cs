namespace Doctolib.Telehealth.Media.Plane;

/// <summary>A codec the server accepted from a participant's offer, with that participant's payload type.</summary>
internal sealed record NegotiatedCodec(int PayloadType, string Name, int ClockRate, int? Channels, string? Fmtp, IReadOnlyList<string> Feedback)
{
    /// <summary>The participant's RTX payload type for this codec (RFC 4588 <c>apt</c>), or null when it has none.</summary>
    public int? RtxPayloadType { get; init; }

    public bool SameCodecAs(NegotiatedCodec other) =>
        string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase) && ClockRate == other.ClockRate;
}

/// <summary>A header extension the server accepted, with the participant's id and the direction its offer gave the
/// extension (RFC 8285 §7: null when it gave none; the answer then gives none either).</summary>
internal sealed record NegotiatedExtension(int Id, string Uri, Sdp.SdpDirection? OfferedDirection = null);
