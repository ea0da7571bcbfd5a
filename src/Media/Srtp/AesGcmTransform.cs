using System.Buffers.Binary;
using System.Security.Cryptography;
using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Srtp;

/// <summary>AEAD_AES_128_GCM for SRTP and SRTCP (RFC 7714): 12-byte IV from SSRC, ROC/SEQ or the SRTCP index
/// XORed with the session salt; the RTP header (or the RTCP header plus E||index) is the associated data.</summary>
internal sealed class AesGcmTransform : ISrtpTransform
{
    internal const int TagLength = 16;
    private const int NonceLength = 12;

    private readonly OpenSslAesGcm _rtp;
    private readonly OpenSslAesGcm _rtcp;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;

    /// <summary>Derives session keys from a DTLS-SRTP master key and 96-bit master salt.</summary>
    internal AesGcmTransform(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        using Aes master = Aes.Create();
        master.Key = masterKey.ToArray();
        byte[] rtpKey = SrtpKeyDerivation.Derive(master, masterSalt, SrtpKeyDerivation.RtpEncryptionLabel, 16);
        byte[] rtcpKey = SrtpKeyDerivation.Derive(master, masterSalt, SrtpKeyDerivation.RtcpEncryptionLabel, 16);
        _rtp = new OpenSslAesGcm(rtpKey);
        _rtcp = new OpenSslAesGcm(rtcpKey);
        CryptographicOperations.ZeroMemory(rtpKey);
        CryptographicOperations.ZeroMemory(rtcpKey);
        _rtpSalt = SrtpKeyDerivation.Derive(master, masterSalt, SrtpKeyDerivation.RtpSaltLabel, NonceLength);
        _rtcpSalt = SrtpKeyDerivation.Derive(master, masterSalt, SrtpKeyDerivation.RtcpSaltLabel, NonceLength);
    }

    /// <summary>Uses session keys as given, for the RFC 7714 §16/§17 vectors which start after key derivation.</summary>
    internal AesGcmTransform(ReadOnlySpan<byte> sessionKey, ReadOnlySpan<byte> sessionSalt, bool sessionKeysGiven)
    {
        _ = sessionKeysGiven;
        _rtp = new OpenSslAesGcm(sessionKey);
        _rtcp = new OpenSslAesGcm(sessionKey);
        _rtpSalt = sessionSalt.ToArray();
        _rtcpSalt = sessionSalt.ToArray();
    }

    public int RtpOverhead => TagLength;

    public int RtcpOverhead => TagLength + 4;

    public int RtcpIndexOffsetFromEnd => 4;

    public int ProtectRtp(ReadOnlySpan<byte> plain, int headerLength, uint ssrc, ulong index, Span<byte> output)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        RtpNonce(_rtpSalt, ssrc, index, nonce);
        plain.Slice(0, headerLength).CopyTo(output);
        int payload = plain.Length - headerLength;
        _rtp.Encrypt(nonce, plain.Slice(headerLength), output.Slice(headerLength, payload),
            output.Slice(plain.Length, TagLength), output.Slice(0, headerLength));
        return plain.Length + TagLength;
    }

    public SrtpUnprotectResult UnprotectRtp(ReadOnlySpan<byte> packet, int headerLength, uint ssrc, ulong index, Span<byte> output, out int written)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        RtpNonce(_rtpSalt, ssrc, index, nonce);
        int length = packet.Length - TagLength;
        if (!_rtp.TryDecrypt(nonce, packet.Slice(headerLength, length - headerLength), packet.Slice(length, TagLength),
            output.Slice(headerLength, length - headerLength), packet.Slice(0, headerLength)))
        {
            written = 0;
            return SrtpUnprotectResult.AuthFailed;
        }

        packet.Slice(0, headerLength).CopyTo(output);
        written = length;
        return SrtpUnprotectResult.Ok;
    }

    public int ProtectRtcp(ReadOnlySpan<byte> plain, uint ssrc, uint srtcpIndex, Span<byte> output)
    {
        const int header = RtcpHeader.SizeWithSenderSsrc;
        Span<byte> nonce = stackalloc byte[NonceLength];
        RtcpNonce(_rtcpSalt, ssrc, srtcpIndex, nonce);
        Span<byte> aad = stackalloc byte[header + 4];
        plain.Slice(0, header).CopyTo(aad);
        BinaryPrimitives.WriteUInt32BigEndian(aad.Slice(header), 0x8000_0000u | srtcpIndex);
        int payload = plain.Length - header;
        plain.Slice(0, header).CopyTo(output);
        _rtcp.Encrypt(nonce, plain.Slice(header), output.Slice(header, payload), output.Slice(plain.Length, TagLength), aad);
        aad.Slice(header).CopyTo(output.Slice(plain.Length + TagLength, 4));
        return plain.Length + TagLength + 4;
    }

    public SrtpUnprotectResult UnprotectRtcp(ReadOnlySpan<byte> packet, uint ssrc, uint srtcpIndex, bool encrypted, Span<byte> output, out int written)
    {
        const int header = RtcpHeader.SizeWithSenderSsrc;
        Span<byte> nonce = stackalloc byte[NonceLength];
        RtcpNonce(_rtcpSalt, ssrc, srtcpIndex, nonce);
        int length = packet.Length - TagLength - 4;
        ReadOnlySpan<byte> indexWord = packet.Slice(packet.Length - 4, 4);
        ReadOnlySpan<byte> tag = packet.Slice(length, TagLength);
        bool authentic;
        if (encrypted)
        {
            Span<byte> aad = stackalloc byte[header + 4];
            packet.Slice(0, header).CopyTo(aad);
            indexWord.CopyTo(aad.Slice(header));
            authentic = _rtcp.TryDecrypt(nonce, packet.Slice(header, length - header), tag, output.Slice(header, length - header), aad);
            if (authentic)
            {
                packet.Slice(0, header).CopyTo(output);
            }
        }
        else
        {
            // RFC 7714 §9.2: unencrypted SRTCP authenticates the whole packet and E||index as associated data.
            Span<byte> aad = length + 4 <= 2048 ? stackalloc byte[length + 4] : new byte[length + 4];
            packet.Slice(0, length).CopyTo(aad);
            indexWord.CopyTo(aad.Slice(length));
            authentic = _rtcp.TryDecrypt(nonce, ReadOnlySpan<byte>.Empty, tag, Span<byte>.Empty, aad);
            if (authentic)
            {
                packet.Slice(0, length).CopyTo(output);
            }
        }

        if (!authentic)
        {
            written = 0;
            return SrtpUnprotectResult.AuthFailed;
        }

        written = length;
        return SrtpUnprotectResult.Ok;
    }

    private static void RtpNonce(ReadOnlySpan<byte> salt, uint ssrc, ulong index, Span<byte> nonce)
    {
        nonce[0] = 0;
        nonce[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(2), ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(6), (uint)(index >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(nonce.Slice(10), (ushort)index);
        XorSalt(salt, nonce);
    }

    private static void RtcpNonce(ReadOnlySpan<byte> salt, uint ssrc, uint srtcpIndex, Span<byte> nonce)
    {
        nonce[0] = 0;
        nonce[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(2), ssrc);
        nonce[6] = 0;
        nonce[7] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(8), srtcpIndex & 0x7FFF_FFFFu);
        XorSalt(salt, nonce);
    }

    private static void XorSalt(ReadOnlySpan<byte> salt, Span<byte> nonce)
    {
        for (int i = 0; i < NonceLength; i++)
        {
            nonce[i] ^= salt[i];
        }
    }

    public void Dispose()
    {
        _rtp.Dispose();
        _rtcp.Dispose();
    }
}
