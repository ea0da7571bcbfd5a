using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>Rewrites a plaintext RTP packet in place for one receiver (payload type and RFC 8285 extension ids).</summary>
internal static class RtpRewriter
{
    private const ushort OneByteProfile = 0xBEDE;
    private const ushort TwoByteProfileMask = 0xFFF0;
    private const ushort TwoByteProfile = 0x1000;

    /// <summary>Returns false when the receiver has no payload type for this packet (it must not be sent).</summary>
    public static bool TryRewrite(Span<byte> packet, RtpRewriteMap map)
    {
        if (packet.Length < 12)
        {
            return false;
        }

        byte pt = map.PayloadTypeFor(packet[1] & 0x7F);
        if (pt == RtpRewriteMap.NoPayloadType)
        {
            return false;
        }

        packet[1] = (byte)((packet[1] & 0x80) | pt);
        if (!map.HasExtensionRules || (packet[0] & 0x10) == 0)
        {
            return true;
        }

        int offset = 12 + (4 * (packet[0] & 0x0F));
        if (packet.Length < offset + 4)
        {
            return false;
        }

        ushort profile = BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(offset));
        int length = 4 * BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(offset + 2));
        int start = offset + 4;
        if (packet.Length < start + length)
        {
            return false;
        }

        Span<byte> elements = packet.Slice(start, length);
        if (profile == OneByteProfile)
        {
            RewriteOneByte(elements, map);
        }
        else if ((profile & TwoByteProfileMask) == TwoByteProfile)
        {
            RewriteTwoByte(elements, map);
        }

        return true;
    }

    private static void RewriteOneByte(Span<byte> elements, RtpRewriteMap map)
    {
        int i = 0;
        while (i < elements.Length)
        {
            int id = elements[i] >> 4;
            if (id == 0)
            {
                i++;
                continue;
            }

            if (id == 15)
            {
                return;
            }

            int size = (elements[i] & 0x0F) + 1;
            if (i + 1 + size > elements.Length)
            {
                return;
            }

            byte mapped = map.ExtensionIdFor(id);
            if (mapped == 0 || mapped > 14)
            {
                elements.Slice(i, 1 + size).Clear();
            }
            else
            {
                elements[i] = (byte)((mapped << 4) | (elements[i] & 0x0F));
            }

            i += 1 + size;
        }
    }

    private static void RewriteTwoByte(Span<byte> elements, RtpRewriteMap map)
    {
        int i = 0;
        while (i < elements.Length)
        {
            int id = elements[i];
            if (id == 0)
            {
                i++;
                continue;
            }

            if (i + 1 >= elements.Length)
            {
                return;
            }

            int size = elements[i + 1];
            if (i + 2 + size > elements.Length)
            {
                return;
            }

            byte mapped = map.ExtensionIdFor(id);
            if (mapped == 0)
            {
                elements.Slice(i, 2 + size).Clear();
            }
            else
            {
                elements[i] = mapped;
            }

            i += 2 + size;
        }
    }
}
