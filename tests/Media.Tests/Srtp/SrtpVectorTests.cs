using Doctolib.Telehealth.Media.Srtp;

namespace Doctolib.Telehealth.Media.Tests.Srtp;

/// <summary>Whole-packet vectors: RFC 7714 §16.1.1/§17.1/§17.3 for AEAD_AES_128_GCM, and libSRTP's
/// srtp_validate reference packets for AES_CM_128_HMAC_SHA1_80 (master key and salt of RFC 3711 B.3).</summary>
public sealed class SrtpVectorTests
{
    private static readonly byte[] GcmKey = Hex.Parse("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] GcmSalt = Hex.Parse("517569642070726f2071756f");

    private static readonly byte[] GcmRtp = Hex.Parse("""
        8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973
        20646976 69736120 696e2070 61727465 73207472 6573
        """);

    private static readonly byte[] GcmSrtp = Hex.Parse("""
        8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca
        be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1
        6a9152cf 765ee439 0cce
        """);

    private static readonly byte[] GcmRtcp = Hex.Parse("""
        81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930
        4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef
        """);

    private static readonly byte[] GcmSrtcp = Hex.Parse("""
        81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7
        6c06f32d c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458
        96cf4d2f c5abf872 45d9eade 800005d4
        """);

    private static readonly byte[] GcmSrtcpTagOnly = Hex.Parse("""
        81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930
        4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef 841dd968
        3dd78ec9 2ae58790 125f62b3 000005d4
        """);

    private static readonly byte[] CmMasterKey = Hex.Parse("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] CmMasterSalt = Hex.Parse("0EC675AD498AFEEBB6960B3AABE6");
    private static readonly byte[] CmRtp = Hex.Parse("800f1234decafbadcafebabe abababababababababababababababab");
    private static readonly byte[] CmSrtp = Hex.Parse("800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb");
    private static readonly byte[] CmRtcp = Hex.Parse("81c8000bcafebabe abababababababababababababababab");
    private static readonly byte[] CmSrtcp = Hex.Parse("81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798");

    [Fact]
    public void GcmTransform_Rfc7714Section16_1_1_ProtectsRtpToVector()
    {
        using var transform = new AesGcmTransform(GcmKey, GcmSalt, sessionKeysGiven: true);
        byte[] output = new byte[GcmRtp.Length + 16];
        int written = transform.ProtectRtp(GcmRtp, 12, 0x5501a0b2, 0xf17b, output);
        Assert.Equal(GcmSrtp, output.AsSpan(0, written).ToArray());
    }

    [Fact]
    public void GcmTransform_Rfc7714Section16_1_1_UnprotectsVectorToRtp()
    {
        using var transform = new AesGcmTransform(GcmKey, GcmSalt, sessionKeysGiven: true);
        byte[] output = new byte[GcmSrtp.Length];
        SrtpUnprotectResult result = transform.UnprotectRtp(GcmSrtp, 12, 0x5501a0b2, 0xf17b, output, out int written);
        Assert.Equal(SrtpUnprotectResult.Ok, result);
        Assert.Equal(GcmRtp, output.AsSpan(0, written).ToArray());
    }

    [Fact]
    public void GcmTransform_Rfc7714Section17_1_ProtectsRtcpToVector()
    {
        using var transform = new AesGcmTransform(GcmKey, GcmSalt, sessionKeysGiven: true);
        byte[] output = new byte[GcmRtcp.Length + 20];
        int written = transform.ProtectRtcp(GcmRtcp, 0x4d617273, 0x5d4, output);
        Assert.Equal(GcmSrtcp, output.AsSpan(0, written).ToArray());
    }

    [Fact]
    public void GcmSession_Rfc7714Section17_1_UnprotectsVectorThroughPublicApi()
    {
        using var session = GcmSession();
        byte[] output = new byte[GcmSrtcp.Length];
        SrtpUnprotectResult result = session.TryUnprotectRtcp(GcmSrtcp, output, out int written);
        Assert.Equal(SrtpUnprotectResult.Ok, result);
        Assert.Equal(GcmRtcp, output.AsSpan(0, written).ToArray());
    }

    [Fact]
    public void GcmSession_Rfc7714Section17_3_AcceptsAuthenticatedUnencryptedRtcp()
    {
        using var session = GcmSession();
        byte[] output = new byte[GcmSrtcpTagOnly.Length];
        SrtpUnprotectResult result = session.TryUnprotectRtcp(GcmSrtcpTagOnly, output, out int written);
        Assert.Equal(SrtpUnprotectResult.Ok, result);
        Assert.Equal(GcmRtcp, output.AsSpan(0, written).ToArray());
    }

    [Fact]
    public void GcmSession_Rfc7714Section16_UnprotectsRtpThroughPublicApi()
    {
        using var session = GcmSession();
        byte[] output = new byte[GcmSrtp.Length];
        SrtpUnprotectResult result = session.TryUnprotectRtp(GcmSrtp, output, out int written);
        Assert.Equal(SrtpUnprotectResult.Ok, result);
        Assert.Equal(GcmRtp, output.AsSpan(0, written).ToArray());
    }

    [Fact]
    public void CmSession_LibSrtpReferenceRtp_ProtectsToVector()
    {
        using var session = CmSession();
        byte[] output = new byte[CmRtp.Length + session.RtpOverhead];
        Assert.True(session.TryProtectRtp(CmRtp, output, out int written));
        Assert.Equal(CmSrtp, output.AsSpan(0, written).ToArray());
    }

    [Fact]
    public void CmSession_LibSrtpReferenceRtp_UnprotectsVector()
    {
        using var session = CmSession();
        byte[] output = new byte[CmSrtp.Length];
        Assert.Equal(SrtpUnprotectResult.Ok, session.TryUnprotectRtp(CmSrtp, output, out int written));
        Assert.Equal(CmRtp, output.AsSpan(0, written).ToArray());
    }

    [Fact]
    public void CmSession_LibSrtpReferenceRtcp_ProtectsToVectorWithIndexOne()
    {
        using var session = CmSession();
        byte[] output = new byte[CmRtcp.Length + session.RtcpOverhead];
        Assert.True(session.TryProtectRtcp(CmRtcp, output, out int written));
        Assert.Equal(CmSrtcp, output.AsSpan(0, written).ToArray());
    }

    [Fact]
    public void CmSession_LibSrtpReferenceRtcp_UnprotectsVector()
    {
        using var session = CmSession();
        byte[] output = new byte[CmSrtcp.Length];
        Assert.Equal(SrtpUnprotectResult.Ok, session.TryUnprotectRtcp(CmSrtcp, output, out int written));
        Assert.Equal(CmRtcp, output.AsSpan(0, written).ToArray());
    }

    private static SrtpSession GcmSession() => new(SrtpProfile.AeadAes128Gcm,
        new AesGcmTransform(GcmKey, GcmSalt, sessionKeysGiven: true),
        new AesGcmTransform(GcmKey, GcmSalt, sessionKeysGiven: true));

    private static SrtpSession CmSession() => new(new SrtpKeys(SrtpProfile.AesCm128HmacSha1_80,
        CmMasterKey, CmMasterSalt, CmMasterKey, CmMasterSalt));
}
