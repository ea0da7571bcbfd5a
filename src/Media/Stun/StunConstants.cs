namespace Doctolib.Telehealth.Media.Stun;

/// <summary>Fixed numbers of the STUN wire format (RFC 8489 §5, §14; RFC 8445 §16.1).</summary>
internal static class StunConstants
{
    public const uint MagicCookie = 0x2112A442;
    public const int HeaderLength = 20;
    public const int TransactionIdLength = 12;
    public const int MessageIntegrityLength = 20;
    public const int FingerprintLength = 4;
    public const uint FingerprintXor = 0x5354554E;
}

/// <summary>STUN attribute type codes used by ICE.</summary>
internal static class StunAttributeType
{
    public const ushort MappedAddress = 0x0001;
    public const ushort Username = 0x0006;
    public const ushort MessageIntegrity = 0x0008;
    public const ushort ErrorCode = 0x0009;
    public const ushort UnknownAttributes = 0x000A;
    public const ushort XorMappedAddress = 0x0020;
    public const ushort Priority = 0x0024;
    public const ushort UseCandidate = 0x0025;
    public const ushort Software = 0x8022;
    public const ushort Fingerprint = 0x8028;
    public const ushort IceControlled = 0x8029;
    public const ushort IceControlling = 0x802A;

    /// <summary>Types 0x0000-0x7FFF are comprehension-required: an agent that does not know one must reject the request.</summary>
    public static bool IsComprehensionRequired(ushort type) => type < 0x8000;
}

/// <summary>STUN methods (the 12-bit method field).</summary>
internal enum StunMethod : ushort
{
    Binding = 0x001,
}

/// <summary>STUN message classes (the two class bits C1 C0).</summary>
internal enum StunClass : byte
{
    Request = 0,
    Indication = 1,
    SuccessResponse = 2,
    ErrorResponse = 3,
}
