using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Doctolib.Telehealth.Media.Srtp;

/// <summary>AES-128-GCM with a 12-byte nonce and a 16-byte tag (NIST SP 800-38D), one key, on OpenSSL's EVP interface
/// called directly: the same library and calls <see cref="AesGcm"/> makes on Linux, without the per-call error-queue
/// clearing of .NET's shim (five calls per packet, each walking OpenSSL's 16-entry error queue: measured at 6 % of the
/// media plane's CPU in the media benchmark). The tag goes in and out through a parameter array built once per
/// instance (OpenSSL 3's EVP_CIPHER_CTX_get_params, and EVP_CipherInit_ex2 with the nonce), not EVP_CIPHER_CTX_ctrl, which
/// builds that array again on each call. Where libcrypto.so.3 cannot be loaded it falls back to <see cref="AesGcm"/>.
/// Not thread-safe (one context per key): <see cref="SrtpSession"/> serializes each direction.</summary>
internal sealed class OpenSslAesGcm : IDisposable
{
    private const string LibCrypto = "libcrypto.so.3";
    private const int TagLength = 16;
    private const int OsslParamOctetString = 5;
    private const int OsslParamBytes = 40;
    private const int TagOffset = 2 * OsslParamBytes;
    private static readonly bool Available = Probe();

    /// <summary>"tag" (OSSL_CIPHER_PARAM_AEAD_TAG), NUL-terminated, for the life of the process.</summary>
    private static readonly nint TagKey = Available ? Marshal.StringToCoTaskMemUTF8("tag") : 0;

    private readonly nint _context;

    /// <summary>Native memory: OSSL_PARAM { key, data_type, data, data_size, return_size } for the tag, the array's
    /// terminating empty OSSL_PARAM, then the 16 tag bytes the first one points at.</summary>
    private readonly nint _tagParams;
    private readonly AesGcm? _fallback;

    public OpenSslAesGcm(ReadOnlySpan<byte> key)
    {
        if (key.Length != 16)
        {
            throw new ArgumentException("AES-128-GCM takes a 16-byte key.", nameof(key));
        }

        if (!Available)
        {
            _fallback = new AesGcm(key, TagLength);
            return;
        }

        _tagParams = Marshal.AllocHGlobal(TagOffset + TagLength);
        for (int offset = 0; offset < TagOffset + TagLength; offset += 8)
        {
            Marshal.WriteInt64(_tagParams, offset, 0);
        }

        Marshal.WriteIntPtr(_tagParams, 0, TagKey);
        Marshal.WriteInt32(_tagParams, 8, OsslParamOctetString);
        Marshal.WriteIntPtr(_tagParams, 16, _tagParams + TagOffset);
        Marshal.WriteInt64(_tagParams, 24, TagLength);
        Marshal.WriteInt64(_tagParams, 32, -1); // OSSL_PARAM_UNMODIFIED
        _context = EVP_CIPHER_CTX_new();
        if (_context == 0 || EVP_CipherInit_ex(_context, EVP_aes_128_gcm(), 0, ref MemoryMarshal.GetReference(key), ref Unsafe.NullRef<byte>(), 1) != 1)
        {
            Dispose();
            throw new CryptographicException("OpenSSL could not set up AES-128-GCM.");
        }
    }

    /// <summary>True when this instance calls OpenSSL directly (false: <see cref="AesGcm"/>), for tests.</summary>
    internal bool IsDirect => _fallback is null;

    /// <summary>As <see cref="AesGcm.Encrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, Span{byte}, ReadOnlySpan{byte})"/>;
    /// <paramref name="ciphertext"/> may be <paramref name="plaintext"/> itself, not a partial overlap.</summary>
    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        if (_fallback is not null)
        {
            _fallback.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
            return;
        }

        Check(nonce, plaintext.Length, ciphertext.Length, tag.Length);
        ref byte none = ref Unsafe.NullRef<byte>();
        if (EVP_CipherInit_ex(_context, 0, 0, ref none, ref MemoryMarshal.GetReference(nonce), 1) != 1
            || !Update(ref none, associatedData)
            || !Update(ref MemoryMarshal.GetReference(ciphertext), plaintext)
            || EVP_CipherFinal_ex(_context, ref MemoryMarshal.GetReference(ciphertext), out _) != 1
            || EVP_CIPHER_CTX_get_params(_context, _tagParams) != 1)
        {
            ERR_clear_error();
            throw new CryptographicException("OpenSSL AES-128-GCM encryption failed.");
        }

        MemoryMarshal.Write(tag, Marshal.ReadInt64(_tagParams, TagOffset));
        MemoryMarshal.Write(tag[8..], Marshal.ReadInt64(_tagParams, TagOffset + 8));
    }

    /// <summary>As <see cref="AesGcm.Decrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, ReadOnlySpan{byte})"/>,
    /// but a tag that does not match returns false (and clears <paramref name="plaintext"/>) instead of throwing.</summary>
    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        if (_fallback is not null)
        {
            try
            {
                _fallback.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                return false;
            }
        }

        Check(nonce, ciphertext.Length, plaintext.Length, tag.Length);
        Marshal.WriteInt64(_tagParams, TagOffset, MemoryMarshal.Read<long>(tag));
        Marshal.WriteInt64(_tagParams, TagOffset + 8, MemoryMarshal.Read<long>(tag[8..]));
        ref byte none = ref Unsafe.NullRef<byte>();
        // The expected tag is set with the nonce (the GCM provider keeps it for the final check).
        if (EVP_CipherInit_ex2(_context, 0, ref none, ref MemoryMarshal.GetReference(nonce), 0, _tagParams) != 1
            || !Update(ref none, associatedData)
            || !Update(ref MemoryMarshal.GetReference(plaintext), ciphertext))
        {
            ERR_clear_error();
            throw new CryptographicException("OpenSSL AES-128-GCM decryption failed.");
        }

        if (EVP_CipherFinal_ex(_context, ref MemoryMarshal.GetReference(plaintext), out _) != 1)
        {
            ERR_clear_error(); // a forged packet leaves nothing behind in this thread's OpenSSL error queue
            CryptographicOperations.ZeroMemory(plaintext[..ciphertext.Length]);
            return false;
        }

        return true;
    }

    public void Dispose()
    {
        _fallback?.Dispose();
        if (_context != 0)
        {
            EVP_CIPHER_CTX_free(_context);
        }

        if (_tagParams != 0)
        {
            Marshal.FreeHGlobal(_tagParams);
        }
    }

    /// <summary>Feeds associated data (<paramref name="output"/> null) or data; nothing to do for an empty input.</summary>
    private bool Update(ref byte output, ReadOnlySpan<byte> input) =>
        input.IsEmpty || EVP_CipherUpdate(_context, ref output, out _, ref MemoryMarshal.GetReference(input), input.Length) == 1;

    private static void Check(ReadOnlySpan<byte> nonce, int inputLength, int outputLength, int tagLength)
    {
        if (nonce.Length != 12 || tagLength != TagLength || outputLength < inputLength)
        {
            throw new ArgumentException("AES-128-GCM here takes a 12-byte nonce, a 16-byte tag and an output as long as the input.");
        }
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return EVP_aes_128_gcm() != 0;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport(LibCrypto)]
    private static extern nint EVP_aes_128_gcm();

    [DllImport(LibCrypto)]
    private static extern void ERR_clear_error();

    [DllImport(LibCrypto)]
    private static extern nint EVP_CIPHER_CTX_new();

    [DllImport(LibCrypto)]
    private static extern void EVP_CIPHER_CTX_free(nint context);

    [DllImport(LibCrypto)]
    private static extern int EVP_CipherInit_ex(nint context, nint cipher, nint engine, ref byte key, ref byte iv, int encrypt);

    [DllImport(LibCrypto)]
    private static extern int EVP_CipherInit_ex2(nint context, nint cipher, ref byte key, ref byte iv, int encrypt, nint parameters);

    [DllImport(LibCrypto)]
    private static extern int EVP_CipherUpdate(nint context, ref byte output, out int outputLength, ref byte input, int inputLength);

    [DllImport(LibCrypto)]
    private static extern int EVP_CipherFinal_ex(nint context, ref byte output, out int outputLength);

    [DllImport(LibCrypto)]
    private static extern int EVP_CIPHER_CTX_get_params(nint context, nint parameters);
}
