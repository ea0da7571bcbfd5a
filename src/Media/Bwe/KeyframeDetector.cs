namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Tells whether an RTP payload starts a keyframe, the only place a simulcast layer switch may happen.
/// VP8 (RFC 7741 §4.2 payload descriptor, §4.3 payload header: S=1, partition 0, P bit 0); H.264 (RFC 6184 §5.6-§5.8:
/// an SPS or IDR NAL unit, alone, inside a STAP-A, or at the start of an FU-A).</summary>
internal static class KeyframeDetector
{
    public static bool IsVp8KeyframeStart(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 1)
        {
            return false;
        }

        byte first = payload[0];
        bool start = (first & 0x10) != 0;
        int partition = first & 0x07;
        if (!start || partition != 0)
        {
            return false;
        }

        int offset = 1;
        if ((first & 0x80) != 0)
        {
            if (payload.Length < 2)
            {
                return false;
            }

            byte extension = payload[1];
            offset = 2;
            if ((extension & 0x80) != 0)
            {
                if (payload.Length <= offset)
                {
                    return false;
                }

                offset += (payload[offset] & 0x80) != 0 ? 2 : 1; // PictureID, 15 or 7 bits
            }

            if ((extension & 0x40) != 0)
            {
                offset++; // TL0PICIDX
            }

            if ((extension & 0x30) != 0)
            {
                offset++; // TID/Y/KEYIDX
            }
        }

        return payload.Length > offset && (payload[offset] & 0x01) == 0;
    }

    /// <summary>The frame size a VP8 keyframe start carries (RFC 6386 §9.1: the 3-byte frame tag, the start code
    /// 9d 01 2a, then 14-bit width and height, little-endian).</summary>
    public static bool TryReadVp8KeyframeSize(ReadOnlySpan<byte> payload, out int width, out int height)
    {
        width = 0;
        height = 0;
        int offset = Vp8DescriptorLength(payload);
        if (offset < 0 || payload.Length < offset + 10 || payload[offset + 3] != 0x9d || payload[offset + 4] != 0x01 || payload[offset + 5] != 0x2a)
        {
            return false;
        }

        width = (payload[offset + 6] | (payload[offset + 7] << 8)) & 0x3FFF;
        height = (payload[offset + 8] | (payload[offset + 9] << 8)) & 0x3FFF;
        return width > 0 && height > 0;
    }

    /// <summary>The length of the VP8 payload descriptor (RFC 7741 §4.2), or -1 when it is cut short.</summary>
    private static int Vp8DescriptorLength(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 1)
        {
            return -1;
        }

        int offset = 1;
        if ((payload[0] & 0x80) != 0)
        {
            if (payload.Length < 2)
            {
                return -1;
            }

            byte extension = payload[1];
            offset = 2;
            if ((extension & 0x80) != 0)
            {
                if (payload.Length <= offset)
                {
                    return -1;
                }

                offset += (payload[offset] & 0x80) != 0 ? 2 : 1;
            }

            if ((extension & 0x40) != 0)
            {
                offset++;
            }

            if ((extension & 0x30) != 0)
            {
                offset++;
            }
        }

        return payload.Length > offset ? offset : -1;
    }

    public static bool IsH264KeyframeStart(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 1)
        {
            return false;
        }

        int type = payload[0] & 0x1F;
        switch (type)
        {
            case 5 or 7:
                return true;
            case 24: // STAP-A: 16-bit size, then a NAL unit, repeated
                int offset = 1;
                while (offset + 3 <= payload.Length)
                {
                    int size = (payload[offset] << 8) | payload[offset + 1];
                    int nal = payload[offset + 2] & 0x1F;
                    if (nal is 5 or 7)
                    {
                        return true;
                    }

                    offset += 2 + size;
                }

                return false;
            case 28: // FU-A: start bit and the fragmented NAL unit's type
                return payload.Length >= 2 && (payload[1] & 0x80) != 0 && (payload[1] & 0x1F) is 5 or 7;
            default:
                return false;
        }
    }
}
