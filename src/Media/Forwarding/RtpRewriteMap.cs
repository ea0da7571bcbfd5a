namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>How one publisher's packets are renumbered for one receiver: payload types and header-extension ids
/// the receiver negotiated for the same codec and extension URI. A missing payload type drops the packet; a
/// missing extension id blanks that element out (it becomes padding), e.g. the publisher's own MID.</summary>
internal sealed class RtpRewriteMap
{
    public const byte NoPayloadType = 0xFF;

    private readonly byte[] _payloadTypes = new byte[128];
    private readonly byte[] _extensionIds = new byte[256];
    private readonly byte[] _rtxPayloadTypes = new byte[128];

    public RtpRewriteMap()
    {
        Array.Fill(_payloadTypes, NoPayloadType);
        Array.Fill(_rtxPayloadTypes, NoPayloadType);
    }

    /// <summary>True when every mapping is the identity, so the forwarder can skip the rewrite.</summary>
    public bool IsIdentity { get; private set; } = true;

    public bool HasExtensionRules { get; private set; }

    public void MapPayloadType(int publisherPt, int receiverPt)
    {
        _payloadTypes[publisherPt & 0x7F] = (byte)receiverPt;
        if (publisherPt != receiverPt)
        {
            IsIdentity = false;
        }
    }

    /// <summary>Maps a publisher extension id to the receiver's id; 0 means "strip it".</summary>
    public void MapExtension(int publisherId, int receiverId)
    {
        _extensionIds[publisherId & 0xFF] = (byte)receiverId;
        HasExtensionRules = true;
        IsIdentity = false;
    }

    /// <summary>The receiver's RTX payload type for one of its payload types (RFC 4588 apt); does not make the map
    /// non-identity, since RTX is only used for retransmissions.</summary>
    public void MapRetransmission(int receiverPt, int receiverRtxPt)
    {
        _rtxPayloadTypes[receiverPt & 0x7F] = (byte)receiverRtxPt;
        if (!HasRetransmission)
        {
            FirstRetransmissionPayloadType = (byte)receiverRtxPt;
        }

        HasRetransmission = true;
    }

    /// <summary>The first RTX payload type mapped, for padding-only probes (which carry no original payload type), or
    /// <see cref="NoPayloadType"/>.</summary>
    public byte FirstRetransmissionPayloadType { get; private set; } = NoPayloadType;

    /// <summary>True when the receiver negotiated RTX for at least one of its payload types.</summary>
    public bool HasRetransmission { get; private set; }

    /// <summary>The receiver's RTX payload type for its payload type, or <see cref="NoPayloadType"/>.</summary>
    public byte RetransmissionPayloadTypeFor(int receiverPt) => _rtxPayloadTypes[receiverPt & 0x7F];

    public byte PayloadTypeFor(int publisherPt) => _payloadTypes[publisherPt & 0x7F];

    public byte ExtensionIdFor(int publisherId) => _extensionIds[publisherId & 0xFF];
}
