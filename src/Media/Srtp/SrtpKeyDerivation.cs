using System.Security.Cryptography;

namespace Doctolib.Telehealth.Media.Srtp;

/// <summary>The AES-CM PRF key derivation of RFC 3711 §4.3 with a key derivation rate of 0, so the
/// packet index never enters. RFC 7714 §11 uses it unchanged for GCM with a 96-bit master salt,
/// which is right-padded with zeros to 112 bits.</summary>
internal static class SrtpKeyDerivation
{
    internal const byte RtpEncryptionLabel = 0x00;
    internal const byte RtpAuthenticationLabel = 0x01;
    internal const byte RtpSaltLabel = 0x02;
    internal const byte RtcpEncryptionLabel = 0x03;
    internal const byte RtcpAuthenticationLabel = 0x04;
    internal const byte RtcpSaltLabel = 0x05;

    /// <summary>Fills <paramref name="output"/> with the PRF output for one label.</summary>
    internal static void Derive(Aes masterCipher, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        if (masterSalt.Length > 14)
        {
            throw new ArgumentException("A master salt is at most 112 bits.", nameof(masterSalt));
        }

        int blocks = (output.Length + 15) / 16;
        Span<byte> counters = stackalloc byte[blocks * 16];
        Span<byte> stream = stackalloc byte[blocks * 16];
        counters.Clear();
        for (int b = 0; b < blocks; b++)
        {
            Span<byte> block = counters.Slice(b * 16, 16);
            masterSalt.CopyTo(block);
            // key_id = label || (index DIV kdr) occupies the low 56 bits of the 112-bit x; with kdr 0
            // only the label byte is non-zero, at byte 7 of x.
            block[7] ^= label;
            block[14] = (byte)(b >> 8);
            block[15] = (byte)b;
        }

        masterCipher.EncryptEcb(counters, stream, PaddingMode.None);
        stream.Slice(0, output.Length).CopyTo(output);
        CryptographicOperations.ZeroMemory(stream);
    }

    internal static byte[] Derive(Aes masterCipher, ReadOnlySpan<byte> masterSalt, byte label, int length)
    {
        byte[] output = new byte[length];
        Derive(masterCipher, masterSalt, label, output);
        return output;
    }
}
