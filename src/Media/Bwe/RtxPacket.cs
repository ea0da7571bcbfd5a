using System.Buffers.Binary;
using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>RTX payload format (RFC 4588 §4): a retransmission carries the original packet's header fields (marker,
/// timestamp, CSRCs, header extensions) on the RTX stream's SSRC, sequence number and payload type, with the
/// original sequence number (OSN) in the first two bytes of its payload. RTP padding is not carried over. A packet
/// of the RTX payload type with no payload is a padding probe (RFC 4588 §4 permits empty RTX packets; senders use
/// them to probe bandwidth). Span-based, no allocation.</summary>
internal static class RtxPacket
{
    public const int OsnLength = 2;

    /// <summary>Writes the RTX packet for <paramref name="original"/>; false if it is malformed or the destination too small.</summary>
    public static bool TryWrap(ReadOnlySpan<byte> original, Span<byte> destination, uint rtxSsrc, ushort rtxSequence, byte rtxPayloadType, out int written)
    {
        written = 0;
        if (!RtpHeader.TryParse(original, out RtpHeader header) || rtxPayloadType > 127)
        {
            return false;
        }

        int total = header.HeaderLength + OsnLength + header.PayloadLength;
        if (destination.Length < total)
        {
            return false;
        }

        original[..header.HeaderLength].CopyTo(destination);
        destination[0] &= 0xDF; // no padding
        destination[1] = (byte)((destination[1] & 0x80) | rtxPayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], rtxSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], rtxSsrc);
        BinaryPrimitives.WriteUInt16BigEndian(destination[header.HeaderLength..], header.SequenceNumber);
        original.Slice(header.HeaderLength, header.PayloadLength).CopyTo(destination[(header.HeaderLength + OsnLength)..]);
        written = total;
        return true;
    }

    /// <summary>Restores the original packet from an RTX packet: sequence number from the OSN, the original SSRC and
    /// payload type (from the a=fmtp apt mapping). False for a padding probe, a malformed packet or a small buffer.</summary>
    public static bool TryUnwrap(ReadOnlySpan<byte> rtx, Span<byte> destination, uint originalSsrc, byte originalPayloadType, out ushort originalSequence, out int written)
    {
        written = 0;
        originalSequence = 0;
        if (!RtpHeader.TryParse(rtx, out RtpHeader header) || header.PayloadLength < OsnLength || originalPayloadType > 127)
        {
            return false;
        }

        int payload = header.PayloadLength - OsnLength;
        int total = header.HeaderLength + payload;
        if (destination.Length < total)
        {
            return false;
        }

        originalSequence = BinaryPrimitives.ReadUInt16BigEndian(rtx[header.HeaderLength..]);
        rtx[..header.HeaderLength].CopyTo(destination);
        destination[0] &= 0xDF;
        destination[1] = (byte)((destination[1] & 0x80) | originalPayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], originalSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], originalSsrc);
        rtx.Slice(header.HeaderLength + OsnLength, payload).CopyTo(destination[header.HeaderLength..]);
        written = total;
        return true;
    }

    /// <summary>An RTX packet with no payload (only padding): counted for transport feedback, never forwarded.</summary>
    public static bool IsPaddingProbe(in RtpHeader header) => header.PayloadLength == 0;
}
