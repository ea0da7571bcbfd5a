using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>REMB, Receiver Estimated Maximum Bitrate (draft-alvestrand-rmcat-remb): PSFB FMT 15 with the "REMB"
/// identifier, the bitrate as an 18-bit mantissa and 6-bit exponent (bps = mantissa * 2^exp), and the SSRCs it
/// applies to.</summary>
internal sealed record RtcpRemb(uint SenderSsrc, ulong BitrateBps, IReadOnlyList<uint> Ssrcs)
{
    private const uint Identifier = 0x52454D42; // "REMB"
    private const int MaxMantissa = (1 << 18) - 1;

    public int Length => 20 + (Ssrcs.Count * 4);

    public static bool TryParse(ReadOnlySpan<byte> packet, [NotNullWhen(true)] out RtcpRemb? remb)
    {
        remb = null;
        if (!RtcpHeader.TryRead(packet, out RtcpHeader header) || header.PacketType != RtcpPacketType.PayloadFeedback
            || header.Count != RtcpPacketType.FormatApplication || header.Length < 20
            || BinaryPrimitives.ReadUInt32BigEndian(packet[12..]) != Identifier)
        {
            return false;
        }

        int count = packet[16];
        if (20 + (count * 4) > header.Length)
        {
            return false;
        }

        int exponent = packet[17] >> 2;
        ulong mantissa = ((ulong)(packet[17] & 0x03) << 16) | ((ulong)packet[18] << 8) | packet[19];
        ulong bitrate = exponent > 46 ? ulong.MaxValue : mantissa << exponent;
        var ssrcs = new uint[count];
        for (int i = 0; i < count; i++)
        {
            ssrcs[i] = BinaryPrimitives.ReadUInt32BigEndian(packet[(20 + (i * 4))..]);
        }

        remb = new RtcpRemb(BinaryPrimitives.ReadUInt32BigEndian(packet[4..]), bitrate, ssrcs);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        if (Ssrcs.Count > 255)
        {
            throw new InvalidOperationException("A REMB names at most 255 SSRCs.");
        }

        int length = Length;
        RtcpHeader.Write(destination, RtcpPacketType.FormatApplication, RtcpPacketType.PayloadFeedback, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], SenderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], 0); // media source: unused
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Identifier);
        destination[16] = (byte)Ssrcs.Count;
        int exponent = 0;
        ulong mantissa = BitrateBps;
        while (mantissa > MaxMantissa)
        {
            mantissa >>= 1;
            exponent++;
        }

        destination[17] = (byte)((exponent << 2) | (int)(mantissa >> 16));
        destination[18] = (byte)(mantissa >> 8);
        destination[19] = (byte)mantissa;
        for (int i = 0; i < Ssrcs.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(20 + (i * 4))..], Ssrcs[i]);
        }

        return length;
    }
}
