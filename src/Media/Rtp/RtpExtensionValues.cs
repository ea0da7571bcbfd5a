using System.Buffers.Binary;
using System.Text;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>Values of the header extensions the SFU reads: abs-send-time (24-bit 6.18 fixed-point seconds),
/// transport-wide sequence number (16 bits) and the SDES mid (RFC 8843 §15.1).</summary>
internal static class RtpExtensionValues
{
    /// <summary>abs-send-time in units of 2^-18 s, wrapping every 64 s.</summary>
    public static bool TryReadAbsSendTime(ReadOnlySpan<byte> packet, in RtpHeader header, int id, out uint value)
    {
        value = 0;
        if (!header.TryFindExtension(packet, id, out int offset, out int length) || length != 3)
        {
            return false;
        }

        value = (uint)((packet[offset] << 16) | (packet[offset + 1] << 8) | packet[offset + 2]);
        return true;
    }

    public static void WriteAbsSendTime(Span<byte> destination, TimeSpan sinceEpoch)
    {
        ulong units = (ulong)(sinceEpoch.Ticks * (1L << 18) / TimeSpan.TicksPerSecond) & 0xFFFFFF;
        destination[0] = (byte)(units >> 16);
        destination[1] = (byte)(units >> 8);
        destination[2] = (byte)units;
    }

    public static bool TryReadTransportSequence(ReadOnlySpan<byte> packet, in RtpHeader header, int id, out ushort sequence)
    {
        sequence = 0;
        if (!header.TryFindExtension(packet, id, out int offset, out int length) || length != 2)
        {
            return false;
        }

        sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
        return true;
    }

    /// <summary>The mid as ASCII bytes; compare with <see cref="MidEquals"/> to avoid allocating per packet.</summary>
    public static bool TryFindMid(ReadOnlySpan<byte> packet, in RtpHeader header, int id, out ReadOnlySpan<byte> mid)
    {
        mid = default;
        if (!header.TryFindExtension(packet, id, out int offset, out int length) || length == 0)
        {
            return false;
        }

        mid = packet.Slice(offset, length);
        return true;
    }

    public static bool MidEquals(ReadOnlySpan<byte> mid, string expected)
    {
        if (mid.Length != expected.Length)
        {
            return false;
        }

        for (int i = 0; i < mid.Length; i++)
        {
            if (mid[i] != expected[i])
            {
                return false;
            }
        }

        return true;
    }

    public static string MidToString(ReadOnlySpan<byte> mid) => Encoding.ASCII.GetString(mid);
}
