using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>The 4-byte common header of an RTCP packet (RFC 3550 §6.4.1). <see cref="Count"/> is the report count,
/// source count or feedback message type (FMT), depending on the packet type.</summary>
internal readonly record struct RtcpHeader(bool Padding, int Count, byte PacketType, int Length)
{
    public const int Size = 4;

    /// <summary>The longest packet the 16-bit length field (32-bit words minus one) can describe.</summary>
    public const int MaxLength = 4 * 65536;

    /// <summary>The header and the sender's SSRC that every RTCP packet starts with (what SRTCP needs).</summary>
    public const int SizeWithSenderSsrc = 8;

    /// <summary>SRTCP's check (RFC 3711 §3.4): version 2 and room for the sender's SSRC.</summary>
    public static bool HasSenderSsrc(ReadOnlySpan<byte> packet) => packet.Length >= SizeWithSenderSsrc && (packet[0] >> 6) == 2;

    public static uint ReadSenderSsrc(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);

    /// <summary>Writes a header for a packet of <paramref name="length"/> bytes (a multiple of 4).</summary>
    public static void Write(Span<byte> destination, int count, byte packetType, int length)
    {
        destination[0] = (byte)(0x80 | (count & 0x1F));
        destination[1] = packetType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((length / 4) - 1));
    }

    public static bool TryRead(ReadOnlySpan<byte> data, out RtcpHeader header)
    {
        header = default;
        if (data.Length < Size || (data[0] & 0xC0) != 0x80)
        {
            return false;
        }

        int length = (BinaryPrimitives.ReadUInt16BigEndian(data[2..]) + 1) * 4;
        if (length > data.Length)
        {
            return false;
        }

        header = new RtcpHeader((data[0] & 0x20) != 0, data[0] & 0x1F, data[1], length);
        return true;
    }
}
