using System.Buffers.Binary;
using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Writes a Generic NACK (RFC 4585 §6.2.1) for lost sequence numbers given in sending order (16-bit wrap
/// allowed), packing each run of up to 17 into one PID/BLP entry. Straight into the caller's buffer.</summary>
internal static class GenericNackWriter
{
    /// <summary>Bytes needed at most for <paramref name="lostCount"/> sequence numbers.</summary>
    public static int MaxLength(int lostCount) => 12 + (4 * lostCount);

    /// <summary>Returns the length written, or 0 when there is nothing to NACK or the buffer is too small.</summary>
    public static int Write(Span<byte> destination, uint senderSsrc, uint mediaSsrc, ReadOnlySpan<ushort> lost)
    {
        if (lost.IsEmpty || destination.Length < 16)
        {
            return 0;
        }

        int offset = 12;
        int i = 0;
        while (i < lost.Length)
        {
            if (offset + 4 > destination.Length || offset + 4 > 4 * 65536)
            {
                return 0;
            }

            ushort pid = lost[i++];
            ushort blp = 0;
            while (i < lost.Length)
            {
                int distance = (ushort)(lost[i] - pid);
                if (distance is < 1 or > 16)
                {
                    break;
                }

                blp |= (ushort)(1 << (distance - 1));
                i++;
            }

            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], pid);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], blp);
            offset += 4;
        }

        RtcpHeader.Write(destination, RtcpPacketType.FormatNack, RtcpPacketType.TransportFeedback, offset);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
        return offset;
    }
}
