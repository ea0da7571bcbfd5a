using System.Security.Cryptography;
using Doctolib.Telehealth.Media.Srtp;

namespace Doctolib.Telehealth.Media.Tests.Srtp;

/// <summary>The direct OpenSSL AES-128-GCM gives what .NET's <see cref="AesGcm"/> gives (SP 800-38D), with and without
/// associated data, in place, and refuses a tampered packet; the RFC 7714 vectors (SrtpVectorTests) run through it too.</summary>
public sealed class OpenSslAesGcmTests
{
    [Fact]
    public void OpenSslAesGcm_OnLinux_CallsOpenSslDirectly()
    {
        using var gcm = new OpenSslAesGcm(new byte[16]);

        Assert.Equal(OperatingSystem.IsLinux(), gcm.IsDirect);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(12, 0)]
    [InlineData(12, 1)]
    [InlineData(12, 160)]
    [InlineData(20, 1188)]
    [InlineData(48, 0)]
    public void Encrypt_SameInputs_MatchesDotnetAesGcm(int aadLength, int plainLength)
    {
        byte[] key = RandomNumberGenerator.GetBytes(16);
        byte[] nonce = RandomNumberGenerator.GetBytes(12);
        byte[] aad = RandomNumberGenerator.GetBytes(aadLength);
        byte[] plain = RandomNumberGenerator.GetBytes(plainLength);
        using var reference = new AesGcm(key, 16);
        using var gcm = new OpenSslAesGcm(key);
        byte[] expected = new byte[plainLength];
        byte[] expectedTag = new byte[16];
        byte[] actual = new byte[plainLength];
        byte[] actualTag = new byte[16];

        reference.Encrypt(nonce, plain, expected, expectedTag, aad);
        gcm.Encrypt(nonce, plain, actual, actualTag, aad);

        Assert.Equal(expected, actual);
        Assert.Equal(expectedTag, actualTag);
    }

    [Fact]
    public void TryDecrypt_InPlace_RestoresThePlaintextAndKeepsWorkingAfterAForgery()
    {
        byte[] key = RandomNumberGenerator.GetBytes(16);
        byte[] nonce = RandomNumberGenerator.GetBytes(12);
        byte[] aad = RandomNumberGenerator.GetBytes(12);
        byte[] plain = RandomNumberGenerator.GetBytes(1000);
        using var gcm = new OpenSslAesGcm(key);
        byte[] packet = (byte[])plain.Clone();
        byte[] tag = new byte[16];
        gcm.Encrypt(nonce, packet, packet, tag, aad);
        byte[] forged = (byte[])packet.Clone();
        forged[10] ^= 1;

        bool forgedAccepted = gcm.TryDecrypt(nonce, forged, tag, forged, aad);
        bool accepted = gcm.TryDecrypt(nonce, packet, tag, packet, aad);

        Assert.False(forgedAccepted);
        Assert.All(forged, b => Assert.Equal(0, b));
        Assert.True(accepted);
        Assert.Equal(plain, packet);
    }

    [Fact]
    public void TryDecrypt_WrongTagOrAssociatedData_IsRefused()
    {
        byte[] key = RandomNumberGenerator.GetBytes(16);
        byte[] nonce = RandomNumberGenerator.GetBytes(12);
        byte[] aad = RandomNumberGenerator.GetBytes(24);
        byte[] plain = RandomNumberGenerator.GetBytes(64);
        using var gcm = new OpenSslAesGcm(key);
        byte[] cipher = new byte[64];
        byte[] tag = new byte[16];
        gcm.Encrypt(nonce, plain, cipher, tag, aad);
        byte[] badTag = (byte[])tag.Clone();
        badTag[15] ^= 0x80;
        byte[] badAad = (byte[])aad.Clone();
        badAad[0] ^= 1;

        Assert.False(gcm.TryDecrypt(nonce, cipher, badTag, new byte[64], aad));
        Assert.False(gcm.TryDecrypt(nonce, cipher, tag, new byte[64], badAad));
        Assert.False(gcm.TryDecrypt(nonce, [], tag, [], aad));
        Assert.True(gcm.TryDecrypt(nonce, cipher, tag, new byte[64], aad));
    }
}
