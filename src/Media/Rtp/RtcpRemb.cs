using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>REMB, Receiver Estimated Maximum Bitrate (draft-alvestrand-rmcat-remb), read in place: PSFB FMT 15 with
/// the "REMB" identifier, the bitrate as an 18-bit mantissa and 6-bit exponent (bps = mantissa * 2^exp), and the
/// SSRCs it applies to.</summary>
internal readonly ref struct RtcpRemb
{
    private const uint Identifier = 0x52454D42; // "REMB"
    private const int MaxMantissa = (1 << 18) - 1;
    private const int SsrcsOffset = 20;

    private readonly ReadOnlySpan<byte> _packet;

    private RtcpRemb(ReadOnlySpan<byte> packet) => _packet = packet;

    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_packet[4..]);
    public int SsrcCount => _packet[16];

    public ulong BitrateBps
    {
        get
        {
            int exponent = _packet[17] >> 2;
            ulong mantissa = ((ulong)(_packet[17] & 0x03) << 16) | BinaryPrimitives.ReadUInt16BigEndian(_packet[18..]);
            return exponent > 46 ? ulong.MaxValue : mantissa << exponent;
        }
    }

    public uint GetSsrc(int index) => BinaryPrimitives.ReadUInt32BigEndian(_packet[(SsrcsOffset + (index * 4))..]);

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpRemb remb)
    {
        remb = default;
        if (!RtcpHeader.TryRead(packet, out RtcpHeader header) || header.PacketType != RtcpPacketType.PayloadFeedback
            || header.Count != RtcpPacketType.FormatApplication || header.Length < SsrcsOffset
            || BinaryPrimitives.ReadUInt32BigEndian(packet[12..]) != Identifier
            || SsrcsOffset + (packet[16] * 4) > header.Length)
        {
            return false;
        }

        remb = new RtcpRemb(packet[..header.Length]);
        return true;
    }

    public static int Write(Span<byte> destination, uint senderSsrc, ulong bitrateBps, ReadOnlySpan<uint> ssrcs)
    {
        if (ssrcs.Length > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(ssrcs), "A REMB names at most 255 SSRCs.");
        }

        int length = SsrcsOffset + (ssrcs.Length * 4);
        RtcpHeader.Write(destination, RtcpPacketType.FormatApplication, RtcpPacketType.PayloadFeedback, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], 0); // media source: unused
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Identifier);
        destination[16] = (byte)ssrcs.Length;
        int exponent = 0;
        ulong mantissa = bitrateBps;
        while (mantissa > MaxMantissa)
        {
            mantissa >>= 1;
            exponent++;
        }

        destination[17] = (byte)((exponent << 2) | (int)(mantissa >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(destination[18..], (ushort)mantissa);
        for (int i = 0; i < ssrcs.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(SsrcsOffset + (i * 4))..], ssrcs[i]);
        }

        return length;
    }
}
