using System.Buffers.Binary;
using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>The transport-wide sequence number header extension (draft-holmer-rmcat-transport-wide-cc-extensions-01
/// §2): a 16-bit counter over every RTP packet of the transport, carried as a 2-byte RFC 8285 element. Reading reuses
/// <see cref="RtpHeader"/>; stamping copies a packet while inserting or overwriting the element, with no allocation.</summary>
internal static class TransportWideSequence
{
    public const string Uri = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    public const int ValueLength = 2;

    public static bool TryRead(ReadOnlySpan<byte> packet, in RtpHeader header, int id, out ushort sequence)
    {
        sequence = 0;
        if (!header.TryFindExtension(packet, id, out int offset, out int length) || length != ValueLength)
        {
            return false;
        }

        sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
        return true;
    }

    /// <summary>Overwrites the value of an element already present (the cheap case on a forwarded packet).</summary>
    public static bool TryOverwrite(Span<byte> packet, in RtpHeader header, int id, ushort sequence)
    {
        if (!header.TryFindExtension(packet, id, out int offset, out int length) || length != ValueLength)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet[offset..], sequence);
        return true;
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> with the element set to
    /// <paramref name="sequence"/>: overwritten when present, otherwise appended to the packet's extension block (a
    /// one-byte block is created when the packet has none). Elements of other ids are kept; trailing padding inside the
    /// block is dropped. False when the packet is malformed, its block is neither one-byte nor two-byte, the id does not
    /// fit the block's form, or the destination is too small. <paramref name="source"/> and
    /// <paramref name="destination"/> must not overlap.</summary>
    public static bool TryStamp(ReadOnlySpan<byte> source, Span<byte> destination, int id, ushort sequence, out int written)
    {
        written = 0;
        if (!RtpHeader.TryParse(source, out RtpHeader header) || id is < 1 or > 255)
        {
            return false;
        }

        if (header.HasExtension && !header.HasOneByteExtensions && !header.HasTwoByteExtensions)
        {
            return false;
        }

        if (header.TryFindExtension(source, id, out int valueOffset, out int valueLength))
        {
            if (valueLength != ValueLength || destination.Length < source.Length)
            {
                return false;
            }

            source.CopyTo(destination);
            BinaryPrimitives.WriteUInt16BigEndian(destination[valueOffset..], sequence);
            written = source.Length;
            return true;
        }

        int blockStart = RtpHeader.FixedLength + (header.CsrcCount * 4);
        if (destination.Length < blockStart + 4)
        {
            return false;
        }

        source[..blockStart].CopyTo(destination);
        var block = new RtpExtensionBlockWriter(destination[blockStart..], header.HasTwoByteExtensions);
        Span<byte> value = stackalloc byte[ValueLength];
        if (header.HasExtension)
        {
            var elements = new RtpExtensionEnumerator(source, header);
            while (elements.MoveNext())
            {
                if (!block.TryAdd(elements.Id, source.Slice(elements.ValueOffset, elements.ValueLength)))
                {
                    return false;
                }
            }
        }

        BinaryPrimitives.WriteUInt16BigEndian(value, sequence);
        if (!block.TryAdd(id, value))
        {
            return false;
        }

        int blockLength = block.Finish();
        if (blockLength < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> rest = source[header.HeaderLength..];
        int total = blockStart + blockLength + rest.Length;
        if (total > destination.Length)
        {
            return false;
        }

        rest.CopyTo(destination[(blockStart + blockLength)..]);
        destination[0] |= 0x10; // X bit
        written = total;
        return true;
    }
}
