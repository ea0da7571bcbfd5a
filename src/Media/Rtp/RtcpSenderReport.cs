using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>RTCP SR (RFC 3550 §6.4.1), read in place: the sender info and the report blocks after it.
/// <see cref="NtpTimestamp"/> is the 64-bit NTP time (seconds in the high 32 bits).</summary>
internal readonly ref struct RtcpSenderReport
{
    /// <summary>Header, sender SSRC and sender info: where the report blocks start.</summary>
    public const int SenderInfoLength = 28;

    private readonly ReadOnlySpan<byte> _packet;

    private RtcpSenderReport(ReadOnlySpan<byte> packet, int reportCount)
    {
        _packet = packet;
        ReportCount = reportCount;
    }

    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_packet[4..]);
    public ulong NtpTimestamp => BinaryPrimitives.ReadUInt64BigEndian(_packet[8..]);

    /// <summary>The middle 32 bits of the NTP timestamp: what receivers echo as LSR.</summary>
    public uint CompactNtp => BinaryPrimitives.ReadUInt32BigEndian(_packet[10..]);
    public uint RtpTimestamp => BinaryPrimitives.ReadUInt32BigEndian(_packet[16..]);
    public uint PacketCount => BinaryPrimitives.ReadUInt32BigEndian(_packet[20..]);
    public uint OctetCount => BinaryPrimitives.ReadUInt32BigEndian(_packet[24..]);
    public int ReportCount { get; }

    public RtcpReportBlock GetReportBlock(int index) =>
        RtcpReportBlock.Read(_packet[(SenderInfoLength + (index * RtcpReportBlock.Size))..]);

    /// <summary>Reads one SR packet (header included); false unless it is an SR whose blocks all fit.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpSenderReport report)
    {
        report = default;
        if (!RtcpHeader.TryRead(packet, out RtcpHeader header) || header.PacketType != RtcpPacketType.SenderReport
            || header.Length < SenderInfoLength + (header.Count * RtcpReportBlock.Size))
        {
            return false;
        }

        report = new RtcpSenderReport(packet[..header.Length], header.Count);
        return true;
    }

    /// <summary>Writes an SR with the given report blocks (at most 31); returns its length.</summary>
    public static int Write(Span<byte> destination, uint senderSsrc, ulong ntpTimestamp, uint rtpTimestamp, uint packetCount,
        uint octetCount, ReadOnlySpan<RtcpReportBlock> blocks)
    {
        if (blocks.Length > 31)
        {
            throw new ArgumentOutOfRangeException(nameof(blocks), "An SR carries at most 31 report blocks.");
        }

        int length = SenderInfoLength + (blocks.Length * RtcpReportBlock.Size);
        RtcpHeader.Write(destination, blocks.Length, RtcpPacketType.SenderReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], ntpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], packetCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], octetCount);
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i].Write(destination[(SenderInfoLength + (i * RtcpReportBlock.Size))..]);
        }

        return length;
    }
}
