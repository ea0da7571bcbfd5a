using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Srtp;

/// <summary>Just enough RTP/RTCP header parsing for SRTP: where the header ends, the SSRC and the sequence number.</summary>
internal static class RtpHeaderReader
{
    internal const int RtpFixedHeaderLength = 12;
    internal const int RtcpHeaderLength = 8;

    /// <summary>Length of the RTP header including CSRCs and the header extension, or false when the packet is
    /// not RTP version 2 or its header runs past <paramref name="available"/> bytes.</summary>
    internal static bool TryGetRtpHeaderLength(ReadOnlySpan<byte> packet, int available, out int headerLength)
    {
        headerLength = 0;
        if (available < RtpFixedHeaderLength || packet.Length < available || (packet[0] >> 6) != 2)
        {
            return false;
        }

        int length = RtpFixedHeaderLength + 4 * (packet[0] & 0x0F);
        if ((packet[0] & 0x10) != 0)
        {
            if (length + 4 > available)
            {
                return false;
            }

            length += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(length + 2, 2));
        }

        if (length > available)
        {
            return false;
        }

        headerLength = length;
        return true;
    }

    internal static ushort ReadSequenceNumber(ReadOnlySpan<byte> packet) =>
        BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(2, 2));

    internal static uint ReadRtpSsrc(ReadOnlySpan<byte> packet) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(8, 4));

    /// <summary>An RTCP compound packet starts with version 2 and the sender's SSRC at bytes 4..7.</summary>
    internal static bool IsRtcpHeader(ReadOnlySpan<byte> packet, int available) =>
        available >= RtcpHeaderLength && packet.Length >= available && (packet[0] >> 6) == 2;

    internal static uint ReadRtcpSsrc(ReadOnlySpan<byte> packet) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(4, 4));
}
