using System.Security.Cryptography;
using Doctolib.Telehealth.Media.Srtp;

namespace Doctolib.Telehealth.Media.Tests.Srtp;

/// <summary>RFC 3711 Appendix B.2 (AES-CM keystream) and B.3 (key derivation).</summary>
public sealed class SrtpKeyDerivationTests
{
    private static readonly byte[] MasterKey = Hex.Parse("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] MasterSalt = Hex.Parse("0EC675AD498AFEEBB6960B3AABE6");

    [Fact]
    public void Derive_Rfc3711B3CipherKey_MatchesVector()
    {
        using Aes master = CreateAes(MasterKey);
        byte[] key = SrtpKeyDerivation.Derive(master, MasterSalt, SrtpKeyDerivation.RtpEncryptionLabel, 16);
        Assert.Equal(Hex.Parse("C61E7A93744F39EE10734AFE3FF7A087"), key);
    }

    [Fact]
    public void Derive_Rfc3711B3CipherSalt_MatchesVector()
    {
        using Aes master = CreateAes(MasterKey);
        byte[] salt = SrtpKeyDerivation.Derive(master, MasterSalt, SrtpKeyDerivation.RtpSaltLabel, 14);
        Assert.Equal(Hex.Parse("30CBBC08863D8C85D49DB34A9AE1"), salt);
    }

    [Fact]
    public void Derive_Rfc3711B3AuthKey_MatchesAll94Bytes()
    {
        using Aes master = CreateAes(MasterKey);
        byte[] auth = SrtpKeyDerivation.Derive(master, MasterSalt, SrtpKeyDerivation.RtpAuthenticationLabel, 94);
        byte[] expected = Hex.Parse("""
            CEBE321F6FF7716B6FD4AB49AF256A15
            6D38BAA48F0A0ACF3C34E2359E6CDBCE
            E049646C43D9327AD175578EF7227098
            6371C10C9A369AC2F94A8C5FBCDDDC25
            6D6E919A48B610EF17C2041E47403576
            6B68642C59BBFC2F34DB60DBDFB2
            """);
        Assert.Equal(expected, auth);
    }

    [Fact]
    public void ApplyKeystream_Rfc3711B2_MatchesFirstAndLastBlocks()
    {
        // 65282 blocks: counters F0F1...FD0000 through F0F1...FDFF01.
        const int blocks = 65282;
        using var transform = new AesCmHmacTransform(MasterKey, MasterSalt);
        using ICryptoTransform sessionCipher = AesCmHmacTransform.CreateEcbEncryptor(Hex.Parse("2B7E151628AED2A6ABF7158809CF4F3C"));
        byte[] sessionSalt = Hex.Parse("F0F1F2F3F4F5F6F7F8F9FAFBFCFD");
        byte[] zeros = new byte[blocks * 16];
        byte[] keystream = new byte[zeros.Length];

        transform.ApplyKeystream(sessionCipher, sessionSalt, ssrc: 0, index: 0, zeros, keystream);

        Assert.Equal(Hex.Parse("E03EAD0935C95E80E166B16DD92B4EB4"), Block(keystream, 0x0000));
        Assert.Equal(Hex.Parse("D23513162B02D0F72A43A2FE4A5F97AB"), Block(keystream, 0x0001));
        Assert.Equal(Hex.Parse("41E95B3BB0A2E8DD477901E4FCA894C0"), Block(keystream, 0x0002));
        Assert.Equal(Hex.Parse("EC8CDF7398607CB0F2D21675EA9EA1E4"), Block(keystream, 0xFEFF));
        Assert.Equal(Hex.Parse("362B7C3C6773516318A077D7FC5073AE"), Block(keystream, 0xFF00));
        Assert.Equal(Hex.Parse("6A2CC3787889374FBEB4C81B17BA6C44"), Block(keystream, 0xFF01));
    }

    private static byte[] Block(byte[] keystream, int counter) => keystream.AsSpan(counter * 16, 16).ToArray();

    private static Aes CreateAes(byte[] key)
    {
        Aes aes = Aes.Create();
        aes.Key = key;
        return aes;
    }
}
