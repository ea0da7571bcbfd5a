namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>How one publisher's packets are renumbered for one receiver: payload types and header-extension ids
/// the receiver negotiated for the same codec and extension URI. A missing payload type drops the packet; a
/// missing extension id blanks that element out (it becomes padding), e.g. the publisher's own MID.</summary>
internal sealed class RtpRewriteMap
{
    public const byte NoPayloadType = 0xFF;

    private readonly byte[] _payloadTypes = new byte[128];
    private readonly byte[] _extensionIds = new byte[256];

    public RtpRewriteMap()
    {
        Array.Fill(_payloadTypes, NoPayloadType);
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

    public byte PayloadTypeFor(int publisherPt) => _payloadTypes[publisherPt & 0x7F];

    public byte ExtensionIdFor(int publisherId) => _extensionIds[publisherId & 0xFF];
}
