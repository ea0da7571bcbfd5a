using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>RTCP SDES (RFC 3550 §6.5) reduced to what WebRTC uses: one CNAME per chunk. Other items are skipped.</summary>
internal sealed record RtcpSourceDescription(IReadOnlyList<RtcpSdesChunk> Chunks)
{
    private const byte CnameItem = 1;

    public int Length
    {
        get
        {
            int length = RtcpHeader.Size;
            foreach (RtcpSdesChunk chunk in Chunks)
            {
                length += ChunkLength(chunk);
            }

            return length;
        }
    }

    public static bool TryParse(ReadOnlySpan<byte> packet, [NotNullWhen(true)] out RtcpSourceDescription? sdes)
    {
        sdes = null;
        if (!RtcpHeader.TryRead(packet, out RtcpHeader header) || header.PacketType != RtcpPacketType.SourceDescription)
        {
            return false;
        }

        ReadOnlySpan<byte> body = packet[RtcpHeader.Size..header.Length];
        var chunks = new List<RtcpSdesChunk>(header.Count);
        int offset = 0;
        for (int c = 0; c < header.Count; c++)
        {
            if (body.Length - offset < 4)
            {
                return false;
            }

            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(body[offset..]);
            offset += 4;
            string? cname = null;
            while (true)
            {
                if (offset >= body.Length)
                {
                    return false;
                }

                byte type = body[offset];
                if (type == 0)
                {
                    offset = (offset + 4) & ~3; // the null item, then padding to the next 32-bit boundary
                    break;
                }

                if (offset + 2 > body.Length || offset + 2 + body[offset + 1] > body.Length)
                {
                    return false;
                }

                int length = body[offset + 1];
                if (type == CnameItem)
                {
                    cname = Encoding.UTF8.GetString(body.Slice(offset + 2, length));
                }

                offset += 2 + length;
            }

            chunks.Add(new RtcpSdesChunk(ssrc, cname));
        }

        sdes = new RtcpSourceDescription(chunks);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        int length = Length;
        destination[..length].Clear();
        RtcpHeader.Write(destination, Chunks.Count, RtcpPacketType.SourceDescription, length);
        int offset = RtcpHeader.Size;
        foreach (RtcpSdesChunk chunk in Chunks)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], chunk.Ssrc);
            int itemOffset = offset + 4;
            if (chunk.Cname is not null)
            {
                destination[itemOffset] = CnameItem;
                int written = Encoding.UTF8.GetBytes(chunk.Cname, destination[(itemOffset + 2)..]);
                destination[itemOffset + 1] = (byte)written;
            }

            offset += ChunkLength(chunk);
        }

        return length;
    }

    private static int ChunkLength(RtcpSdesChunk chunk)
    {
        int items = chunk.Cname is null ? 0 : 2 + Encoding.UTF8.GetByteCount(chunk.Cname);
        if (items > 257)
        {
            throw new InvalidOperationException("An SDES CNAME is at most 255 bytes.");
        }

        return (4 + items + 4) & ~3; // at least one null byte, padded to 32 bits
    }
}

/// <summary>One SDES chunk: a source and its CNAME (null if the chunk had none).</summary>
internal sealed record RtcpSdesChunk(uint Ssrc, string? Cname);
