using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>PLI (RFC 4585 §6.3.1): PSFB FMT 1 with no FCI; the forwarder rewrites MediaSsrc to the publisher's.</summary>
internal readonly record struct RtcpPictureLossIndication(uint SenderSsrc, uint MediaSsrc)
{
    public const int Length = 12;

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpPictureLossIndication pli)
    {
        pli = default;
        if (!RtcpHeader.TryRead(packet, out RtcpHeader header) || header.PacketType != RtcpPacketType.PayloadFeedback
            || header.Count != RtcpPacketType.FormatPli || header.Length < Length)
        {
            return false;
        }

        pli = new RtcpPictureLossIndication(BinaryPrimitives.ReadUInt32BigEndian(packet[4..]), BinaryPrimitives.ReadUInt32BigEndian(packet[8..]));
        return true;
    }

    public static int Write(Span<byte> destination, uint senderSsrc, uint mediaSsrc)
    {
        RtcpHeader.Write(destination, RtcpPacketType.FormatPli, RtcpPacketType.PayloadFeedback, Length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
        return Length;
    }
}
