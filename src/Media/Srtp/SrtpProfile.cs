namespace Doctolib.Telehealth.Media;

/// <summary>The SRTP protection profiles this server speaks (public as vocabulary of the media plane; its use stays internal). The numeric values are the DTLS-SRTP
/// profile identifiers of RFC 5764 §4.1.2 and RFC 7714 §14.2.</summary>
public enum SrtpProfile
{
    /// <summary>AES-128 counter mode with an 80-bit HMAC-SHA1 tag (RFC 3711).</summary>
    AesCm128HmacSha1_80 = 0x0001,

    /// <summary>AES-128-GCM with a 128-bit tag (RFC 7714).</summary>
    AeadAes128Gcm = 0x0007,
}

/// <summary>Sizes that follow from a profile.</summary>
internal static class SrtpProfileInfo
{
    /// <summary>Master key length in bytes (16 for both profiles).</summary>
    public static int MasterKeyLength(SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1_80 => 16,
        SrtpProfile.AeadAes128Gcm => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP profile."),
    };

    /// <summary>Master salt length in bytes (14 for AES-CM, 12 for GCM).</summary>
    public static int MasterSaltLength(SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1_80 => 14,
        SrtpProfile.AeadAes128Gcm => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP profile."),
    };

    /// <summary>Bytes an SRTP packet is longer than its RTP packet.</summary>
    public static int RtpOverhead(SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1_80 => 10,
        SrtpProfile.AeadAes128Gcm => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP profile."),
    };

    /// <summary>Bytes an SRTCP packet is longer than its RTCP packet (tag plus the 4-byte E flag and index).</summary>
    public static int RtcpOverhead(SrtpProfile profile) => RtpOverhead(profile) + 4;

    internal static bool IsKnown(SrtpProfile profile) =>
        profile is SrtpProfile.AesCm128HmacSha1_80 or SrtpProfile.AeadAes128Gcm;
}
