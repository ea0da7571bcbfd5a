using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>FIR (RFC 5104 §4.3.1), read in place: PSFB FMT 4, media source field 0, one (SSRC, command sequence
/// number) entry per target. The sender increments the sequence number for each new request to the same target.</summary>
internal readonly ref struct RtcpFullIntraRequest
{
    private const int EntriesOffset = 12;
    private const int EntrySize = 8;

    private readonly ReadOnlySpan<byte> _packet;

    private RtcpFullIntraRequest(ReadOnlySpan<byte> packet) => _packet = packet;

    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_packet[4..]);
    public int EntryCount => (_packet.Length - EntriesOffset) / EntrySize;

    public RtcpFirEntry GetEntry(int index)
    {
        ReadOnlySpan<byte> fci = _packet[(EntriesOffset + (index * EntrySize))..];
        return new RtcpFirEntry(BinaryPrimitives.ReadUInt32BigEndian(fci), fci[4]);
    }

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpFullIntraRequest fir)
    {
        fir = default;
        if (!RtcpHeader.TryRead(packet, out RtcpHeader header) || header.PacketType != RtcpPacketType.PayloadFeedback
            || header.Count != RtcpPacketType.FormatFir || header.Length < EntriesOffset + EntrySize
            || (header.Length - EntriesOffset) % EntrySize != 0)
        {
            return false;
        }

        fir = new RtcpFullIntraRequest(packet[..header.Length]);
        return true;
    }

    public static int Write(Span<byte> destination, uint senderSsrc, ReadOnlySpan<RtcpFirEntry> entries)
    {
        int length = EntriesOffset + (entries.Length * EntrySize);
        destination[..length].Clear();
        RtcpHeader.Write(destination, RtcpPacketType.FormatFir, RtcpPacketType.PayloadFeedback, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        for (int i = 0; i < entries.Length; i++)
        {
            Span<byte> fci = destination[(EntriesOffset + (i * EntrySize))..];
            BinaryPrimitives.WriteUInt32BigEndian(fci, entries[i].Ssrc);
            fci[4] = entries[i].SequenceNumber;
        }

        return length;
    }
}

/// <summary>One FIR entry: the media sender asked for a keyframe and the request's sequence number.</summary>
internal readonly record struct RtcpFirEntry(uint Ssrc, byte SequenceNumber);
