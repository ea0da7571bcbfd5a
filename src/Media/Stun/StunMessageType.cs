namespace Doctolib.Telehealth.Media.Stun;

/// <summary>Packs and unpacks the 14-bit message type: method bits M11..M0 interleaved with class bits C1 C0 (RFC 8489 §5).</summary>
internal static class StunMessageType
{
    public static ushort Encode(StunMethod method, StunClass messageClass)
    {
        int m = (int)method;
        int c = (int)messageClass;
        int type = (m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2);
        type |= ((c & 0x1) << 4) | ((c & 0x2) << 7);
        return (ushort)type;
    }

    public static void Decode(ushort type, out ushort method, out StunClass messageClass)
    {
        method = (ushort)((type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2));
        messageClass = (StunClass)(((type >> 4) & 0x1) | ((type >> 7) & 0x2));
    }
}
