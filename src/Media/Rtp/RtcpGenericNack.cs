using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>Generic NACK (RFC 4585 §6.2.1), read in place: RTPFB FMT 1, a list of (PID, BLP) pairs, each naming a
/// lost packet and a bitmask of up to 16 more lost packets after it. Enumerating it (<c>foreach</c>) yields every
/// lost sequence number in order; <see cref="WriteLost"/> packs a list of lost sequence numbers into items. Nothing
/// here allocates.</summary>
internal readonly ref partial struct RtcpGenericNack
{
    private const int ItemsOffset = 12;
    private const int ItemSize = 4;

    private readonly ReadOnlySpan<byte> _packet;

    private RtcpGenericNack(ReadOnlySpan<byte> packet) => _packet = packet;

    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_packet[4..]);
    public uint MediaSsrc => BinaryPrimitives.ReadUInt32BigEndian(_packet[8..]);
    public int ItemCount => (_packet.Length - ItemsOffset) / ItemSize;

    public RtcpNackItem GetItem(int index)
    {
        ReadOnlySpan<byte> fci = _packet[(ItemsOffset + (index * ItemSize))..];
        return new RtcpNackItem(BinaryPrimitives.ReadUInt16BigEndian(fci), BinaryPrimitives.ReadUInt16BigEndian(fci[2..]));
    }

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpGenericNack nack)
    {
        nack = default;
        if (!RtcpHeader.TryRead(packet, out RtcpHeader header) || header.PacketType != RtcpPacketType.TransportFeedback
            || header.Count != RtcpPacketType.FormatNack || header.Length < ItemsOffset + ItemSize)
        {
            return false;
        }

        nack = new RtcpGenericNack(packet[..header.Length]);
        return true;
    }

    /// <summary>Every lost sequence number, PID first then each BLP bit, item after item (16-bit wrap kept).</summary>
    public LostSequenceEnumerator GetEnumerator() => new(_packet);

    /// <summary>Writes the given items; throws when there are none (the caller names the items itself).</summary>
    public static int Write(Span<byte> destination, uint senderSsrc, uint mediaSsrc, ReadOnlySpan<RtcpNackItem> items)
    {
        if (items.IsEmpty)
        {
            throw new ArgumentException("A Generic NACK names at least one lost packet.", nameof(items));
        }

        int length = ItemsOffset + (items.Length * ItemSize);
        RtcpHeader.Write(destination, RtcpPacketType.FormatNack, RtcpPacketType.TransportFeedback, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
        for (int i = 0; i < items.Length; i++)
        {
            Span<byte> fci = destination[(ItemsOffset + (i * ItemSize))..];
            BinaryPrimitives.WriteUInt16BigEndian(fci, items[i].PacketId);
            BinaryPrimitives.WriteUInt16BigEndian(fci[2..], items[i].LostBitmask);
        }

        return length;
    }
}

/// <summary>One NACK FCI entry: PID and BLP (bit i set = PID + i + 1 lost too).</summary>
internal readonly record struct RtcpNackItem(ushort PacketId, ushort LostBitmask);
