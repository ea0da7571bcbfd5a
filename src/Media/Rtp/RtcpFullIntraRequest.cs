using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>FIR (RFC 5104 §4.3.1): PSFB FMT 4, media source field 0, one (SSRC, command sequence number) entry per
/// target. The sender increments the sequence number for each new request to the same target.</summary>
internal sealed record RtcpFullIntraRequest(uint SenderSsrc, IReadOnlyList<RtcpFirEntry> Entries)
{
    public int Length => 12 + (Entries.Count * 8);

    public static bool TryParse(ReadOnlySpan<byte> packet, [NotNullWhen(true)] out RtcpFullIntraRequest? fir)
    {
        fir = null;
        if (!RtcpHeader.TryRead(packet, out RtcpHeader header) || header.PacketType != RtcpPacketType.PayloadFeedback
            || header.Count != RtcpPacketType.FormatFir || header.Length < 12 || (header.Length - 12) % 8 != 0)
        {
            return false;
        }

        var entries = new RtcpFirEntry[(header.Length - 12) / 8];
        for (int i = 0; i < entries.Length; i++)
        {
            ReadOnlySpan<byte> fci = packet[(12 + (i * 8))..];
            entries[i] = new RtcpFirEntry(BinaryPrimitives.ReadUInt32BigEndian(fci), fci[4]);
        }

        fir = new RtcpFullIntraRequest(BinaryPrimitives.ReadUInt32BigEndian(packet[4..]), entries);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        int length = Length;
        destination[..length].Clear();
        RtcpHeader.Write(destination, RtcpPacketType.FormatFir, RtcpPacketType.PayloadFeedback, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], SenderSsrc);
        for (int i = 0; i < Entries.Count; i++)
        {
            Span<byte> fci = destination[(12 + (i * 8))..];
            BinaryPrimitives.WriteUInt32BigEndian(fci, Entries[i].Ssrc);
            fci[4] = Entries[i].SequenceNumber;
        }

        return length;
    }
}

/// <summary>One FIR entry: the media sender asked for a keyframe and the request's sequence number.</summary>
internal readonly record struct RtcpFirEntry(uint Ssrc, byte SequenceNumber);
