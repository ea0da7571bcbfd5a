using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>The few RTCP packets the forwarder writes itself (RFC 3550, RFC 4585, draft-alvestrand-rmcat-remb),
/// straight into a caller's buffer with no allocation.</summary>
internal static class RtcpPackets
{
    public const byte SenderReport = 200;
    public const byte ReceiverReport = 201;
    public const byte TransportFeedback = 205;
    public const byte PayloadFeedback = 206;
    public const int ReportBlockLength = 24;

    /// <summary>Picture Loss Indication (RFC 4585 §6.3.1): 12 bytes.</summary>
    public static int WritePli(Span<byte> destination, uint senderSsrc, uint mediaSsrc)
    {
        destination[0] = 0x80 | 1;
        destination[1] = PayloadFeedback;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), 2);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(4), senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(8), mediaSsrc);
        return 12;
    }

    /// <summary>Receiver Estimated Maximum Bitrate for the given SSRCs.</summary>
    public static int WriteRemb(Span<byte> destination, uint senderSsrc, ulong bitrate, ReadOnlySpan<uint> ssrcs)
    {
        int exponent = 0;
        ulong mantissa = bitrate;
        while (mantissa > 0x3FFFF)
        {
            mantissa >>= 1;
            exponent++;
        }

        int length = 20 + (4 * ssrcs.Length);
        destination[0] = 0x80 | 15;
        destination[1] = PayloadFeedback;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), (ushort)((length / 4) - 1));
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(4), senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(8), 0);
        destination[12] = (byte)'R';
        destination[13] = (byte)'E';
        destination[14] = (byte)'M';
        destination[15] = (byte)'B';
        destination[16] = (byte)ssrcs.Length;
        destination[17] = (byte)((exponent << 2) | (int)(mantissa >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(18), (ushort)mantissa);
        for (int i = 0; i < ssrcs.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(20 + (4 * i)), ssrcs[i]);
        }

        return length;
    }

    /// <summary>Writes the RR header for <paramref name="blocks"/> report blocks; the caller writes the blocks after it.</summary>
    public static int WriteReceiverReportHeader(Span<byte> destination, uint senderSsrc, int blocks)
    {
        destination[0] = (byte)(0x80 | blocks);
        destination[1] = ReceiverReport;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), (ushort)(1 + (6 * blocks)));
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(4), senderSsrc);
        return 8;
    }

    public static int WriteReportBlock(Span<byte> destination, uint ssrc, byte fractionLost, int cumulativeLost, uint extendedHighest,
        uint lastSenderReport, uint delaySinceLastSenderReport)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, ssrc);
        destination[4] = fractionLost;
        destination[5] = (byte)(cumulativeLost >> 16);
        destination[6] = (byte)(cumulativeLost >> 8);
        destination[7] = (byte)cumulativeLost;
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(8), extendedHighest);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(12), 0);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(16), lastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(20), delaySinceLastSenderReport);
        return ReportBlockLength;
    }

    /// <summary>Generic NACK (RFC 4585 §6.2.1) for one lost sequence number.</summary>
    public static int WriteNack(Span<byte> destination, uint senderSsrc, uint mediaSsrc, ushort sequence, ushort bitmask)
    {
        destination[0] = 0x80 | 1;
        destination[1] = TransportFeedback;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), 3);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(4), senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(8), mediaSsrc);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(12), sequence);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(14), bitmask);
        return 16;
    }

    /// <summary>Reads a REMB bitrate from a payload-specific feedback packet with FMT 15, or false.</summary>
    public static bool TryReadRemb(ReadOnlySpan<byte> packet, out ulong bitrate)
    {
        bitrate = 0;
        if (packet.Length < 20 || packet[12] != 'R' || packet[13] != 'E' || packet[14] != 'M' || packet[15] != 'B')
        {
            return false;
        }

        int exponent = packet[17] >> 2;
        ulong mantissa = ((ulong)(packet[17] & 0x03) << 16) | BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(18));
        bitrate = exponent >= 46 ? ulong.MaxValue : mantissa << exponent;
        return true;
    }
}
