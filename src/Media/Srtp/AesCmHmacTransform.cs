using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Srtp;

/// <summary>AES_CM_128_HMAC_SHA1_80 (RFC 3711 §4.1.1, §4.2.1). The counter-mode keystream is made by
/// ECB-encrypting a run of counter blocks in one call with a reused ECB encryptor: on Linux that is about three
/// times faster than the one-shot <c>Aes.EncryptEcb</c> and, unlike it, allocates nothing.</summary>
internal sealed class AesCmHmacTransform : ISrtpTransform
{
    internal const int TagLength = 10;
    private const int SessionSaltLength = 14;
    private const int AuthKeyLength = 20;

    private readonly ICryptoTransform _rtpCipher;
    private readonly ICryptoTransform _rtcpCipher;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;
    private readonly IncrementalHash _rtpMac;
    private readonly IncrementalHash _rtcpMac;
    private byte[] _counters = new byte[2048];
    private byte[] _keystream = new byte[2048];

    internal AesCmHmacTransform(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        using Aes master = Aes.Create();
        master.Key = masterKey.ToArray();
        _rtpCipher = CreateCipher(master, masterSalt, SrtpKeyDerivation.RtpEncryptionLabel);
        _rtcpCipher = CreateCipher(master, masterSalt, SrtpKeyDerivation.RtcpEncryptionLabel);
        _rtpSalt = SrtpKeyDerivation.Derive(master, masterSalt, SrtpKeyDerivation.RtpSaltLabel, SessionSaltLength);
        _rtcpSalt = SrtpKeyDerivation.Derive(master, masterSalt, SrtpKeyDerivation.RtcpSaltLabel, SessionSaltLength);
        byte[] rtpAuth = SrtpKeyDerivation.Derive(master, masterSalt, SrtpKeyDerivation.RtpAuthenticationLabel, AuthKeyLength);
        byte[] rtcpAuth = SrtpKeyDerivation.Derive(master, masterSalt, SrtpKeyDerivation.RtcpAuthenticationLabel, AuthKeyLength);
        _rtpMac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, rtpAuth);
        _rtcpMac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, rtcpAuth);
        CryptographicOperations.ZeroMemory(rtpAuth);
        CryptographicOperations.ZeroMemory(rtcpAuth);
    }

    public int RtpOverhead => TagLength;

    public int RtcpOverhead => TagLength + 4;

    public int RtcpIndexOffsetFromEnd => TagLength + 4;

    public int ProtectRtp(ReadOnlySpan<byte> plain, int headerLength, uint ssrc, ulong index, Span<byte> output)
    {
        plain.Slice(0, headerLength).CopyTo(output);
        ApplyKeystream(_rtpCipher, _rtpSalt, ssrc, index, plain.Slice(headerLength), output.Slice(headerLength));
        WriteTag(_rtpMac, output.Slice(0, plain.Length), (uint)(index >> 16), output.Slice(plain.Length, TagLength));
        return plain.Length + TagLength;
    }

    public SrtpUnprotectResult UnprotectRtp(ReadOnlySpan<byte> packet, int headerLength, uint ssrc, ulong index, Span<byte> output, out int written)
    {
        int length = packet.Length - TagLength;
        if (!TagMatches(_rtpMac, packet.Slice(0, length), (uint)(index >> 16), packet.Slice(length, TagLength)))
        {
            written = 0;
            return SrtpUnprotectResult.AuthFailed;
        }

        packet.Slice(0, headerLength).CopyTo(output);
        ApplyKeystream(_rtpCipher, _rtpSalt, ssrc, index, packet.Slice(headerLength, length - headerLength), output.Slice(headerLength));
        written = length;
        return SrtpUnprotectResult.Ok;
    }

    public int ProtectRtcp(ReadOnlySpan<byte> plain, uint ssrc, uint srtcpIndex, Span<byte> output)
    {
        const int header = RtcpHeader.SizeWithSenderSsrc;
        plain.Slice(0, header).CopyTo(output);
        ApplyKeystream(_rtcpCipher, _rtcpSalt, ssrc, srtcpIndex, plain.Slice(header), output.Slice(header));
        BinaryPrimitives.WriteUInt32BigEndian(output.Slice(plain.Length, 4), 0x8000_0000u | srtcpIndex);
        int authenticated = plain.Length + 4;
        WriteTag(_rtcpMac, output.Slice(0, authenticated), rolloverCounter: null, output.Slice(authenticated, TagLength));
        return authenticated + TagLength;
    }

    public SrtpUnprotectResult UnprotectRtcp(ReadOnlySpan<byte> packet, uint ssrc, uint srtcpIndex, bool encrypted, Span<byte> output, out int written)
    {
        const int header = RtcpHeader.SizeWithSenderSsrc;
        int authenticated = packet.Length - TagLength;
        if (!TagMatches(_rtcpMac, packet.Slice(0, authenticated), rolloverCounter: null, packet.Slice(authenticated, TagLength)))
        {
            written = 0;
            return SrtpUnprotectResult.AuthFailed;
        }

        int length = authenticated - 4;
        if (encrypted)
        {
            packet.Slice(0, header).CopyTo(output);
            ApplyKeystream(_rtcpCipher, _rtcpSalt, ssrc, srtcpIndex, packet.Slice(header, length - header), output.Slice(header));
        }
        else
        {
            packet.Slice(0, length).CopyTo(output);
        }

        written = length;
        return SrtpUnprotectResult.Ok;
    }

    /// <summary>XORs input with the AES-CM keystream for IV = (k_s * 2^16) ^ (SSRC * 2^64) ^ (index * 2^16).</summary>
    internal void ApplyKeystream(ICryptoTransform cipher, ReadOnlySpan<byte> sessionSalt, uint ssrc, ulong index, ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.IsEmpty)
        {
            return;
        }

        int blocks = (input.Length + 15) >> 4;
        int bytes = blocks << 4;
        if (_counters.Length < bytes)
        {
            _counters = new byte[bytes];
            _keystream = new byte[bytes];
        }

        Span<byte> iv = stackalloc byte[16];
        iv.Clear();
        sessionSalt.CopyTo(iv);
        iv[4] ^= (byte)(ssrc >> 24);
        iv[5] ^= (byte)(ssrc >> 16);
        iv[6] ^= (byte)(ssrc >> 8);
        iv[7] ^= (byte)ssrc;
        for (int i = 0; i < 6; i++)
        {
            iv[8 + i] ^= (byte)(index >> (40 - 8 * i));
        }

        byte[] counterBuffer = _counters;
        Span<byte> counters = counterBuffer.AsSpan(0, bytes);
        for (int b = 0; b < blocks; b++)
        {
            Span<byte> block = counters.Slice(b << 4, 16);
            iv.CopyTo(block);
            block[14] = (byte)(b >> 8);
            block[15] = (byte)b;
        }

        cipher.TransformBlock(counterBuffer, 0, bytes, _keystream, 0);
        Xor(input, _keystream.AsSpan(0, bytes), output);
    }

    internal static void Xor(ReadOnlySpan<byte> input, ReadOnlySpan<byte> keystream, Span<byte> output)
    {
        int i = 0;
        int width = Vector<byte>.Count;
        for (; i + width <= input.Length; i += width)
        {
            (new Vector<byte>(input.Slice(i)) ^ new Vector<byte>(keystream.Slice(i))).CopyTo(output.Slice(i));
        }

        for (; i < input.Length; i++)
        {
            output[i] = (byte)(input[i] ^ keystream[i]);
        }
    }

    private static void WriteTag(IncrementalHash mac, ReadOnlySpan<byte> authenticated, uint? rolloverCounter, Span<byte> tag)
    {
        Span<byte> full = stackalloc byte[20];
        Compute(mac, authenticated, rolloverCounter, full);
        full.Slice(0, TagLength).CopyTo(tag);
    }

    private static bool TagMatches(IncrementalHash mac, ReadOnlySpan<byte> authenticated, uint? rolloverCounter, ReadOnlySpan<byte> tag)
    {
        Span<byte> full = stackalloc byte[20];
        Compute(mac, authenticated, rolloverCounter, full);
        return CryptographicOperations.FixedTimeEquals(full.Slice(0, TagLength), tag);
    }

    private static void Compute(IncrementalHash mac, ReadOnlySpan<byte> authenticated, uint? rolloverCounter, Span<byte> full)
    {
        mac.AppendData(authenticated);
        if (rolloverCounter is uint roc)
        {
            Span<byte> rocBytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
            mac.AppendData(rocBytes);
        }

        mac.GetHashAndReset(full);
    }

    private static ICryptoTransform CreateCipher(Aes master, ReadOnlySpan<byte> masterSalt, byte label)
    {
        byte[] key = SrtpKeyDerivation.Derive(master, masterSalt, label, 16);
        ICryptoTransform cipher = CreateEcbEncryptor(key);
        CryptographicOperations.ZeroMemory(key);
        return cipher;
    }

    /// <summary>An AES-ECB encryptor without padding; ECB keeps no state between calls, so one is reused.</summary>
    internal static ICryptoTransform CreateEcbEncryptor(byte[] key)
    {
        using Aes aes = Aes.Create();
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.None;
        return aes.CreateEncryptor(key, null);
    }

    public void Dispose()
    {
        _rtpCipher.Dispose();
        _rtcpCipher.Dispose();
        _rtpMac.Dispose();
        _rtcpMac.Dispose();
    }
}
