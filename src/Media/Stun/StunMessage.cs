using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Doctolib.Telehealth.Media.Stun;

/// <summary>A parsed STUN message (RFC 8489) with the attributes ICE uses. It keeps a copy of its bytes so that
/// MESSAGE-INTEGRITY and FINGERPRINT can be checked after parsing. Attributes it does not know are skipped;
/// unknown comprehension-required ones are listed in <see cref="UnknownRequiredAttributes"/>.</summary>
internal sealed class StunMessage
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte[] _raw;

    private StunMessage(byte[] raw, ushort method, StunClass messageClass, StunTransactionId transactionId)
    {
        _raw = raw;
        Method = method;
        Class = messageClass;
        TransactionId = transactionId;
    }

    public ushort Method { get; }
    public StunClass Class { get; }
    public StunTransactionId TransactionId { get; }
    public bool IsBindingRequest => Method == (ushort)StunMethod.Binding && Class == StunClass.Request;

    public string? Username { get; private set; }
    public string? Software { get; private set; }
    public uint? Priority { get; private set; }
    public bool UseCandidate { get; private set; }
    public ulong? IceControlling { get; private set; }
    public ulong? IceControlled { get; private set; }
    public IPEndPoint? XorMappedAddress { get; private set; }
    public int? ErrorCode { get; private set; }
    public string? ErrorReason { get; private set; }
    public IReadOnlyList<ushort> UnknownRequiredAttributes { get; private set; } = [];

    /// <summary>Offset of the MESSAGE-INTEGRITY attribute header in <see cref="Raw"/>, or -1.</summary>
    public int MessageIntegrityOffset { get; private set; } = -1;

    /// <summary>Offset of the FINGERPRINT attribute header in <see cref="Raw"/>, or -1.</summary>
    public int FingerprintOffset { get; private set; } = -1;

    public bool HasMessageIntegrity => MessageIntegrityOffset >= 0;
    public bool HasFingerprint => FingerprintOffset >= 0;
    public ReadOnlySpan<byte> Raw => _raw;

    /// <summary>Cheap first-byte test of RFC 7983 plus the magic cookie: is this datagram possibly STUN?</summary>
    public static bool LooksLikeStun(ReadOnlySpan<byte> data) =>
        data.Length >= StunConstants.HeaderLength
        && (data[0] & 0xC0) == 0
        && BinaryPrimitives.ReadUInt32BigEndian(data[4..]) == StunConstants.MagicCookie;

    /// <summary>Parses one whole STUN message. Never throws: anything malformed returns false.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out StunMessage? message)
    {
        message = null;
        if (!LooksLikeStun(data))
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        if ((length & 3) != 0 || length + StunConstants.HeaderLength != data.Length)
        {
            return false;
        }

        StunMessageType.Decode(BinaryPrimitives.ReadUInt16BigEndian(data), out ushort method, out StunClass messageClass);
        var parsed = new StunMessage(data.ToArray(), method, messageClass, StunTransactionId.Read(data[8..20]));
        if (!parsed.ParseAttributes())
        {
            return false;
        }

        message = parsed;
        return true;
    }

    private bool ParseAttributes()
    {
        ReadOnlySpan<byte> data = _raw;
        int offset = StunConstants.HeaderLength;
        List<ushort>? unknown = null;
        while (offset < data.Length)
        {
            if (data.Length - offset < 4)
            {
                return false;
            }

            ushort type = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            int padded = (valueLength + 3) & ~3;
            if (data.Length - offset - 4 < padded)
            {
                return false;
            }

            ReadOnlySpan<byte> value = data.Slice(offset + 4, valueLength);
            if (FingerprintOffset >= 0)
            {
                return false; // nothing may follow FINGERPRINT
            }

            if (type == StunAttributeType.Fingerprint)
            {
                if (valueLength != StunConstants.FingerprintLength)
                {
                    return false;
                }

                FingerprintOffset = offset;
            }
            else if (MessageIntegrityOffset >= 0)
            {
                // RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are ignored.
            }
            else if (!ReadAttribute(type, value, offset, ref unknown))
            {
                return false;
            }

            offset += 4 + padded;
        }

        if (unknown is not null)
        {
            UnknownRequiredAttributes = unknown;
        }

        return true;
    }

    private bool ReadAttribute(ushort type, ReadOnlySpan<byte> value, int offset, ref List<ushort>? unknown)
    {
        switch (type)
        {
            case StunAttributeType.Username:
                return value.Length <= 513 && TryDecodeUtf8(value, out string? user) && SetUsername(user);
            case StunAttributeType.Software:
                return value.Length <= 763 && TryDecodeUtf8(value, out string? software) && SetSoftware(software);
            case StunAttributeType.MessageIntegrity:
                if (value.Length != StunConstants.MessageIntegrityLength)
                {
                    return false;
                }

                MessageIntegrityOffset = offset;
                return true;
            case StunAttributeType.Priority:
                if (value.Length != 4)
                {
                    return false;
                }

                Priority = BinaryPrimitives.ReadUInt32BigEndian(value);
                return true;
            case StunAttributeType.UseCandidate:
                UseCandidate = value.Length == 0;
                return value.Length == 0;
            case StunAttributeType.IceControlling:
                if (value.Length != 8)
                {
                    return false;
                }

                IceControlling = BinaryPrimitives.ReadUInt64BigEndian(value);
                return true;
            case StunAttributeType.IceControlled:
                if (value.Length != 8)
                {
                    return false;
                }

                IceControlled = BinaryPrimitives.ReadUInt64BigEndian(value);
                return true;
            case StunAttributeType.XorMappedAddress:
                if (!StunAddress.TryReadXor(value, _raw.AsSpan(8, StunConstants.TransactionIdLength), out IPEndPoint? endPoint))
                {
                    return false;
                }

                XorMappedAddress = endPoint;
                return true;
            case StunAttributeType.ErrorCode:
                return TryReadErrorCode(value);
            default:
                if (StunAttributeType.IsComprehensionRequired(type))
                {
                    unknown ??= [];
                    unknown.Add(type);
                }

                return true;
        }
    }

    private bool TryReadErrorCode(ReadOnlySpan<byte> value)
    {
        if (value.Length < 4 || value.Length > 4 + 763)
        {
            return false;
        }

        int errorClass = value[2] & 0x07;
        int number = value[3];
        if (errorClass < 3 || errorClass > 6 || number > 99)
        {
            return false;
        }

        if (!TryDecodeUtf8(value[4..], out string? reason))
        {
            return false;
        }

        ErrorCode = (errorClass * 100) + number;
        ErrorReason = reason;
        return true;
    }

    private bool SetUsername(string? user)
    {
        Username = user;
        return true;
    }

    private bool SetSoftware(string? software)
    {
        Software = software;
        return true;
    }

    private static bool TryDecodeUtf8(ReadOnlySpan<byte> value, out string? text)
    {
        try
        {
            text = StrictUtf8.GetString(value);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = null;
            return false;
        }
    }

    /// <summary>Finds the first attribute of <paramref name="type"/> (known or not) and returns its value, so attributes
    /// the parser skips stay readable.</summary>
    public bool TryGetAttribute(ushort type, out ReadOnlySpan<byte> value)
    {
        ReadOnlySpan<byte> data = _raw;
        int offset = StunConstants.HeaderLength;
        while (offset + 4 <= data.Length)
        {
            ushort current = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            if (current == type)
            {
                value = data.Slice(offset + 4, length);
                return true;
            }

            offset += 4 + ((length + 3) & ~3);
        }

        value = default;
        return false;
    }

    /// <summary>Checks MESSAGE-INTEGRITY (HMAC-SHA1) with a short-term credential: the key is the UTF-8 password.</summary>
    public bool ValidateMessageIntegrity(string password)
    {
        int maxBytes = Encoding.UTF8.GetMaxByteCount(password.Length);
        Span<byte> key = maxBytes <= 256 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        int keyLength = Encoding.UTF8.GetBytes(password, key);
        return ValidateMessageIntegrity(key[..keyLength]);
    }

    /// <summary>Checks MESSAGE-INTEGRITY (HMAC-SHA1) with the given key.</summary>
    public bool ValidateMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (MessageIntegrityOffset < 0)
        {
            return false;
        }

        int covered = MessageIntegrityOffset;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(covered);
        try
        {
            _raw.AsSpan(0, covered).CopyTo(buffer);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)(covered - StunConstants.HeaderLength + 24));
            Span<byte> mac = stackalloc byte[StunConstants.MessageIntegrityLength];
            HMACSHA1.HashData(key, buffer.AsSpan(0, covered), mac);
            return CryptographicOperations.FixedTimeEquals(mac, _raw.AsSpan(covered + 4, StunConstants.MessageIntegrityLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Checks FINGERPRINT: CRC-32 of everything before it, XOR 0x5354554E.</summary>
    public bool ValidateFingerprint()
    {
        if (FingerprintOffset < 0)
        {
            return false;
        }

        // FINGERPRINT is last, so the header's length already counts it as RFC 8489 §14.7 requires.
        uint expected = StunCrc32.Compute(_raw.AsSpan(0, FingerprintOffset)) ^ StunConstants.FingerprintXor;
        return BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(FingerprintOffset + 4)) == expected;
    }
}
