using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>The fixed RTP header (RFC 3550 §5.1) plus where the CSRC list, the header extension (RFC 8285),
/// the payload and the padding lie in the packet it was parsed from. Offsets are from the packet start.</summary>
internal readonly struct RtpHeader
{
    public const int FixedLength = 12;
    public const ushort OneByteExtensionProfile = 0xBEDE;

    /// <summary>The two-byte form's profile as written (RFC 8285 §4.3: 0x100 then 4 application bits, sent as 0).</summary>
    public const ushort TwoByteExtensionProfile = 0x1000;

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
    public bool HasTwoByteExtensions => HasExtension && (ExtensionProfile & 0xFFF0) == TwoByteExtensionProfile;

    public uint GetCsrc(ReadOnlySpan<byte> packet, int index) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet[(FixedLength + (index * 4))..]);

    /// <summary>Writes the fixed header with no CSRC; with <paramref name="hasExtension"/> the caller writes the
    /// extension header (RFC 8285) right after it. Returns <see cref="FixedLength"/>.</summary>
    public static int WriteFixed(Span<byte> destination, bool marker, int payloadType, ushort sequenceNumber, uint timestamp, uint ssrc,
        bool hasExtension = false)
    {
        destination[0] = (byte)(hasExtension ? 0x90 : 0x80);
        destination[1] = (byte)((marker ? 0x80 : 0) | (payloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ssrc);
        return FixedLength;
    }

    public static ushort ReadSequenceNumber(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);

    public static uint ReadSsrc(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);

    /// <summary>The header's length (CSRCs and extension included) without reading past it, so it works on an SRTP
    /// packet whose payload and padding are still encrypted; false when not version 2 or when the header runs past
    /// <paramref name="packet"/>.</summary>
    public static bool TryGetLength(ReadOnlySpan<byte> packet, out int headerLength) =>
        TryReadLayout(packet, out headerLength, out _, out _, out _);

    /// <summary>Parses the header of an RTP packet. Never throws: a malformed packet returns false.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpHeader header)
    {
        header = default;
        if (!TryReadLayout(packet, out int offset, out ushort profile, out int extensionOffset, out int extensionLength))
        {
            return false;
        }

        byte b0 = packet[0];
        bool padding = (b0 & 0x20) != 0;
        bool extension = (b0 & 0x10) != 0;
        int csrcCount = b0 & 0x0F;
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

    private static bool TryReadLayout(ReadOnlySpan<byte> packet, out int headerLength, out ushort profile, out int extensionOffset,
        out int extensionLength)
    {
        headerLength = 0;
        profile = 0;
        extensionOffset = 0;
        extensionLength = 0;
        if (packet.Length < FixedLength || packet[0] >> 6 != 2)
        {
            return false;
        }

        int offset = FixedLength + ((packet[0] & 0x0F) * 4);
        if (packet.Length < offset)
        {
            return false;
        }

        if ((packet[0] & 0x10) != 0)
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

        headerLength = offset;
        return true;
    }
}
