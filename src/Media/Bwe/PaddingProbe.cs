using System.Buffers.Binary;
using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>A padding-only RTP packet on the RTX stream (RFC 4588 §4 allows an RTX packet with no payload; RFC 3550
/// §5.1 padding, its last byte counting the padding bytes) carrying a transport-wide sequence number
/// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2), so the receiver reports it and the sender's estimate
/// sees the rate. A sender uses it to keep probing the path while it has little media to send (video paused).</summary>
internal static class PaddingProbe
{
    public const int MaxPaddingBytes = 255;

    private const int HeaderLength = RtpHeader.FixedLength + 8;

    /// <summary>Header (12) + one-byte extension block with the sequence element (8) + padding.</summary>
    public static int Length(int paddingBytes) => HeaderLength + paddingBytes;

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

        RtpHeader.WriteFixed(destination, marker: false, rtxPayloadType, rtxSequence, timestamp, rtxSsrc, hasExtension: true);
        destination[0] |= 0x20; // P
        var block = new RtpExtensionBlockWriter(destination[RtpHeader.FixedLength..HeaderLength], twoByte: false);
        Span<byte> value = stackalloc byte[TransportWideSequence.ValueLength];
        BinaryPrimitives.WriteUInt16BigEndian(value, transportSequence);
        block.TryAdd(transportSequenceId, value); // cannot fail: id 1-14 checked above, 2 bytes fit the 8-byte block
        block.Finish();
        destination[HeaderLength..length].Clear();
        destination[length - 1] = (byte)paddingBytes;
        return length;
    }
}
