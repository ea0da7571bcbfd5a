using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>RTCP RR (RFC 3550 §6.4.2), read in place.</summary>
internal readonly ref struct RtcpReceiverReport
{
    /// <summary>Header and sender SSRC: where the report blocks start.</summary>
    public const int HeaderLength = 8;

    private readonly ReadOnlySpan<byte> _packet;

    private RtcpReceiverReport(ReadOnlySpan<byte> packet, int reportCount)
    {
        _packet = packet;
        ReportCount = reportCount;
    }

    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_packet[4..]);
    public int ReportCount { get; }

    public RtcpReportBlock GetReportBlock(int index) =>
        RtcpReportBlock.Read(_packet[(HeaderLength + (index * RtcpReportBlock.Size))..]);

    /// <summary>Reads one RR packet (header included); false unless it is an RR whose blocks all fit.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpReceiverReport report)
    {
        report = default;
        if (!RtcpHeader.TryRead(packet, out RtcpHeader header) || header.PacketType != RtcpPacketType.ReceiverReport
            || header.Length < HeaderLength + (header.Count * RtcpReportBlock.Size))
        {
            return false;
        }

        report = new RtcpReceiverReport(packet[..header.Length], header.Count);
        return true;
    }

    /// <summary>Writes the header of an RR that will carry <paramref name="blockCount"/> blocks; the caller writes
    /// the blocks right after it with <see cref="RtcpReportBlock.Write"/>.</summary>
    public static int WriteHeader(Span<byte> destination, uint senderSsrc, int blockCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockCount, 31);
        RtcpHeader.Write(destination, blockCount, RtcpPacketType.ReceiverReport, HeaderLength + (blockCount * RtcpReportBlock.Size));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        return HeaderLength;
    }

    /// <summary>Writes a whole RR; returns its length.</summary>
    public static int Write(Span<byte> destination, uint senderSsrc, ReadOnlySpan<RtcpReportBlock> blocks)
    {
        int length = WriteHeader(destination, senderSsrc, blocks.Length);
        for (int i = 0; i < blocks.Length; i++)
        {
            length += blocks[i].Write(destination[length..]);
        }

        return length;
    }
}
