using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>RTCP SR (RFC 3550 §6.4.1). NtpTimestamp is the 64-bit NTP time (seconds in the high 32 bits).</summary>
internal sealed record RtcpSenderReport(
    uint SenderSsrc,
    ulong NtpTimestamp,
    uint RtpTimestamp,
    uint PacketCount,
    uint OctetCount,
    IReadOnlyList<RtcpReportBlock> ReportBlocks)
{
    public int Length => 28 + (ReportBlocks.Count * RtcpReportBlock.Size);

    /// <summary>The middle 32 bits of the NTP timestamp: what receivers echo as LSR.</summary>
    public uint CompactNtp => (uint)(NtpTimestamp >> 16);

    public static bool TryParse(ReadOnlySpan<byte> packet, [NotNullWhen(true)] out RtcpSenderReport? report)
    {
        report = null;
        if (!RtcpHeader.TryRead(packet, out RtcpHeader header) || header.PacketType != RtcpPacketType.SenderReport || header.Length < 28)
        {
            return false;
        }

        if (!RtcpReportBlock.TryReadBlocks(packet[28..header.Length], header.Count, out RtcpReportBlock[] blocks))
        {
            return false;
        }

        report = new RtcpSenderReport(
            BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            BinaryPrimitives.ReadUInt64BigEndian(packet[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[20..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[24..]),
            blocks);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        if (ReportBlocks.Count > 31)
        {
            throw new InvalidOperationException("An SR carries at most 31 report blocks.");
        }

        RtcpHeader.Write(destination, ReportBlocks.Count, RtcpPacketType.SenderReport, Length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], SenderSsrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], NtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], OctetCount);
        for (int i = 0; i < ReportBlocks.Count; i++)
        {
            ReportBlocks[i].Write(destination[(28 + (i * RtcpReportBlock.Size))..]);
        }

        return Length;
    }
}
