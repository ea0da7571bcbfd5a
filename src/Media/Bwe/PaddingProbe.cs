using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>A padding-only RTP packet on the RTX stream (RFC 4588 §4 allows an RTX packet with no payload; RFC 3550
/// §5.1 padding, its last byte counting the padding bytes) carrying a transport-wide sequence number
/// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2), so the receiver reports it and the sender's estimate
/// sees the rate. A sender uses it to keep probing the path while it has little media to send (video paused).</summary>
internal static class PaddingProbe
{
    public const int MaxPaddingBytes = 255;

    /// <summary>Header (12) + one-byte extension block with the sequence element (8) + padding.</summary>
    public static int Length(int paddingBytes) => 20 + paddingBytes;

    /// <summary>Writes the probe and returns its length, or 0 if the buffer is too small.</summary>
    public static int Write(Span<byte> destination, uint rtxSsrc, ushort rtxSequence, byte rtxPayloadType, uint timestamp,
        int transportSequenceId, ushort transportSequence, int paddingBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(paddingBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(paddingBytes, MaxPaddingBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(transportSequenceId, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(transportSequenceId, 14);
        int length = Length(paddingBytes);
        if (destination.Length < length)
        {
            return 0;
        }

        destination[0] = 0x80 | 0x20 | 0x10; // V=2, P, X
        destination[1] = (byte)(rtxPayloadType & 0x7F);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], rtxSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], rtxSsrc);
        BinaryPrimitives.WriteUInt16BigEndian(destination[12..], RtpExtensionBlockWriter.OneByteProfile);
        BinaryPrimitives.WriteUInt16BigEndian(destination[14..], 1);
        destination[16] = (byte)((transportSequenceId << 4) | (TransportWideSequence.ValueLength - 1));
        BinaryPrimitives.WriteUInt16BigEndian(destination[17..], transportSequence);
        destination[19] = 0;
        destination[20..length].Clear();
        destination[length - 1] = (byte)paddingBytes;
        return length;
    }
}
