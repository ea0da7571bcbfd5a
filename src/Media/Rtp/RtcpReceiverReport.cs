using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>RTCP RR (RFC 3550 §6.4.2).</summary>
internal sealed record RtcpReceiverReport(uint SenderSsrc, IReadOnlyList<RtcpReportBlock> ReportBlocks)
{
    public int Length => 8 + (ReportBlocks.Count * RtcpReportBlock.Size);

    public static bool TryParse(ReadOnlySpan<byte> packet, [NotNullWhen(true)] out RtcpReceiverReport? report)
    {
        report = null;
        if (!RtcpHeader.TryRead(packet, out RtcpHeader header) || header.PacketType != RtcpPacketType.ReceiverReport || header.Length < 8)
        {
            return false;
        }

        if (!RtcpReportBlock.TryReadBlocks(packet[8..header.Length], header.Count, out RtcpReportBlock[] blocks))
        {
            return false;
        }

        report = new RtcpReceiverReport(BinaryPrimitives.ReadUInt32BigEndian(packet[4..]), blocks);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        if (ReportBlocks.Count > 31)
        {
            throw new InvalidOperationException("An RR carries at most 31 report blocks.");
        }

        RtcpHeader.Write(destination, ReportBlocks.Count, RtcpPacketType.ReceiverReport, Length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], SenderSsrc);
        for (int i = 0; i < ReportBlocks.Count; i++)
        {
            ReportBlocks[i].Write(destination[(8 + (i * RtcpReportBlock.Size))..]);
        }

        return Length;
    }
}
