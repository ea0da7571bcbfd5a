using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>Rewrites a plaintext RTP packet in place for one receiver (payload type and RFC 8285 extension ids).</summary>
internal static class RtpRewriter
{
    /// <summary>Returns false when the packet is not well-formed RTP or the receiver has no payload type for it
    /// (it must not be sent).</summary>
    public static bool TryRewrite(Span<byte> packet, RtpRewriteMap map)
    {
        if (packet.Length < RtpHeader.FixedLength)
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

        if (!RtpHeader.TryParse(packet, out RtpHeader header))
        {
            return false;
        }

        var elements = new RtpExtensionEnumerator(packet, header);
        while (elements.MoveNext())
        {
            byte mapped = map.ExtensionIdFor(elements.Id);
            int at = elements.ElementOffset;
            if (mapped == 0 || (elements.IsOneByte && mapped > 14))
            {
                // RFC 8285 §4.2/§4.3: zero bytes are padding, so a removed element leaves no trace.
                packet[at..(elements.ValueOffset + elements.ValueLength)].Clear();
            }
            else if (elements.IsOneByte)
            {
                packet[at] = (byte)((mapped << 4) | (packet[at] & 0x0F));
            }
            else
            {
                packet[at] = mapped;
            }
        }

        return true;
    }
}
