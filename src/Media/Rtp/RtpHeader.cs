using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>The fixed RTP header (RFC 3550 §5.1) plus where the CSRC list, the header extension (RFC 8285),
/// the payload and the padding lie in the packet it was parsed from. Offsets are from the packet start.</summary>
internal readonly struct RtpHeader
{
    public const int FixedLength = 12;
    public const ushort OneByteExtensionProfile = 0xBEDE;

    public byte Version { get; init; }
    public bool HasPadding { get; init; }
    public bool HasExtension { get; init; }
    public int CsrcCount { get; init; }
    public bool Marker { get; init; }
    public byte PayloadType { get; init; }
    public ushort SequenceNumber { get; init; }
    public uint Timestamp { get; init; }
    public uint Ssrc { get; init; }

    /// <summary>The "defined by profile" field of the extension header: 0xBEDE one-byte, 0x100x two-byte (RFC 8285).</summary>
    public ushort ExtensionProfile { get; init; }

    /// <summary>Offset of the first extension element (after the 4-byte extension header), or 0 with no extension.</summary>
    public int ExtensionOffset { get; init; }

    /// <summary>Length in bytes of the extension elements (the 32-bit word count times 4).</summary>
    public int ExtensionLength { get; init; }

    /// <summary>Offset of the payload: the header's total length.</summary>
    public int HeaderLength { get; init; }
    public int PayloadLength { get; init; }
    public int PaddingLength { get; init; }

    public bool HasOneByteExtensions => HasExtension && ExtensionProfile == OneByteExtensionProfile;
    public bool HasTwoByteExtensions => HasExtension && (ExtensionProfile & 0xFFF0) == 0x1000;

    public uint GetCsrc(ReadOnlySpan<byte> packet, int index) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet[(FixedLength + (index * 4))..]);

    /// <summary>Parses the header of an RTP packet. Never throws: a malformed packet returns false.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpHeader header)
    {
        header = default;
        if (packet.Length < FixedLength)
        {
            return false;
        }

        byte b0 = packet[0];
        if (b0 >> 6 != 2)
        {
            return false;
        }

        bool padding = (b0 & 0x20) != 0;
        bool extension = (b0 & 0x10) != 0;
        int csrcCount = b0 & 0x0F;
        int offset = FixedLength + (csrcCount * 4);
        if (packet.Length < offset)
        {
            return false;
        }

        ushort profile = 0;
        int extensionOffset = 0;
        int extensionLength = 0;
        if (extension)
        {
            if (packet.Length < offset + 4)
            {
                return false;
            }

            profile = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            extensionLength = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]) * 4;
            extensionOffset = offset + 4;
            offset = extensionOffset + extensionLength;
            if (packet.Length < offset)
            {
                return false;
            }
        }

        int paddingLength = 0;
        if (padding)
        {
            paddingLength = packet[^1];
            if (paddingLength == 0 || packet.Length - offset < paddingLength)
            {
                return false;
            }
        }

        header = new RtpHeader
        {
            Version = 2,
            HasPadding = padding,
            HasExtension = extension,
            CsrcCount = csrcCount,
            Marker = (packet[1] & 0x80) != 0,
            PayloadType = (byte)(packet[1] & 0x7F),
            SequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            Timestamp = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]),
            ExtensionProfile = profile,
            ExtensionOffset = extensionOffset,
            ExtensionLength = extensionLength,
            HeaderLength = offset,
            PaddingLength = paddingLength,
            PayloadLength = packet.Length - offset - paddingLength,
        };
        return true;
    }

    /// <summary>Finds a header extension element by its negotiated id (a=extmap). Returns the value's position.</summary>
    public bool TryFindExtension(ReadOnlySpan<byte> packet, int id, out int valueOffset, out int valueLength)
    {
        var elements = new RtpExtensionEnumerator(packet, this);
        while (elements.MoveNext())
        {
            if (elements.Id == id)
            {
                valueOffset = elements.ValueOffset;
                valueLength = elements.ValueLength;
                return true;
            }
        }

        valueOffset = 0;
        valueLength = 0;
        return false;
    }
}
