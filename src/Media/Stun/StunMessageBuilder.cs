using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Doctolib.Telehealth.Media.Stun;

/// <summary>Builds one STUN message. Attributes are written in the order they are added; MESSAGE-INTEGRITY and
/// FINGERPRINT are appended last by <see cref="Build(ReadOnlySpan{byte}, bool)"/>.</summary>
internal sealed class StunMessageBuilder
{
    private byte[] _buffer = new byte[128];
    private int _length = StunConstants.HeaderLength;

    public StunMessageBuilder(StunMethod method, StunClass messageClass, StunTransactionId transactionId)
    {
        TransactionId = transactionId;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer, StunMessageType.Encode(method, messageClass));
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(4), StunConstants.MagicCookie);
        transactionId.Write(_buffer.AsSpan(8, StunConstants.TransactionIdLength));
    }

    public StunTransactionId TransactionId { get; }

    /// <summary>Byte used to pad attribute values to 4 bytes. RFC 8489 allows any value; RFC 5769 uses 0x20.</summary>
    public byte PaddingByte { get; set; }

    public StunMessageBuilder AddAttribute(ushort type, ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A STUN attribute value is at most 65535 bytes.");
        }

        int padded = (value.Length + 3) & ~3;
        Span<byte> target = Reserve(4 + padded);
        BinaryPrimitives.WriteUInt16BigEndian(target, type);
        BinaryPrimitives.WriteUInt16BigEndian(target[2..], (ushort)value.Length);
        value.CopyTo(target[4..]);
        target[(4 + value.Length)..].Fill(PaddingByte);
        return this;
    }

    public StunMessageBuilder AddUsername(string username) => AddText(StunAttributeType.Username, username);

    public StunMessageBuilder AddSoftware(string software) => AddText(StunAttributeType.Software, software);

    public StunMessageBuilder AddPriority(uint priority)
    {
        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, priority);
        return AddAttribute(StunAttributeType.Priority, value);
    }

    public StunMessageBuilder AddUseCandidate() => AddAttribute(StunAttributeType.UseCandidate, []);

    public StunMessageBuilder AddIceControlling(ulong tieBreaker) => AddUInt64(StunAttributeType.IceControlling, tieBreaker);

    public StunMessageBuilder AddIceControlled(ulong tieBreaker) => AddUInt64(StunAttributeType.IceControlled, tieBreaker);

    public StunMessageBuilder AddXorMappedAddress(IPEndPoint endPoint)
    {
        Span<byte> id = stackalloc byte[StunConstants.TransactionIdLength];
        TransactionId.Write(id);
        Span<byte> value = stackalloc byte[StunAddress.XorValueLength(endPoint)];
        StunAddress.WriteXor(value, endPoint, id);
        return AddAttribute(StunAttributeType.XorMappedAddress, value);
    }

    public StunMessageBuilder AddErrorCode(int code, string reason)
    {
        if (code < 300 || code > 699)
        {
            throw new ArgumentOutOfRangeException(nameof(code), "A STUN error code is between 300 and 699.");
        }

        byte[] text = Encoding.UTF8.GetBytes(reason);
        Span<byte> value = stackalloc byte[4 + text.Length];
        value[0] = 0;
        value[1] = 0;
        value[2] = (byte)(code / 100);
        value[3] = (byte)(code % 100);
        text.CopyTo(value[4..]);
        return AddAttribute(StunAttributeType.ErrorCode, value);
    }

    public StunMessageBuilder AddUnknownAttributes(IReadOnlyList<ushort> types)
    {
        Span<byte> value = stackalloc byte[types.Count * 2];
        for (int i = 0; i < types.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(value[(i * 2)..], types[i]);
        }

        return AddAttribute(StunAttributeType.UnknownAttributes, value);
    }

    /// <summary>Finishes the message: optional MESSAGE-INTEGRITY keyed with the UTF-8 password, optional FINGERPRINT.</summary>
    public byte[] Build(string? password, bool fingerprint)
    {
        return password is null ? Build(ReadOnlySpan<byte>.Empty, fingerprint, withIntegrity: false)
            : Build(Encoding.UTF8.GetBytes(password), fingerprint, withIntegrity: true);
    }

    /// <summary>Finishes the message with MESSAGE-INTEGRITY under <paramref name="integrityKey"/> and optional FINGERPRINT.</summary>
    public byte[] Build(ReadOnlySpan<byte> integrityKey, bool fingerprint) => Build(integrityKey, fingerprint, withIntegrity: true);

    private byte[] Build(ReadOnlySpan<byte> key, bool fingerprint, bool withIntegrity)
    {
        int bodyLength = _length;
        int total = bodyLength + (withIntegrity ? 24 : 0) + (fingerprint ? 8 : 0);
        var message = new byte[total];
        _buffer.AsSpan(0, bodyLength).CopyTo(message);
        int offset = bodyLength;
        if (withIntegrity)
        {
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), (ushort)(offset + 24 - StunConstants.HeaderLength));
            HMACSHA1.HashData(key, message.AsSpan(0, offset), message.AsSpan(offset + 4, StunConstants.MessageIntegrityLength));
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(offset), StunAttributeType.MessageIntegrity);
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(offset + 2), StunConstants.MessageIntegrityLength);
            offset += 24;
        }

        if (fingerprint)
        {
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), (ushort)(offset + 8 - StunConstants.HeaderLength));
            uint crc = StunCrc32.Compute(message.AsSpan(0, offset)) ^ StunConstants.FingerprintXor;
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(offset), StunAttributeType.Fingerprint);
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(offset + 2), StunConstants.FingerprintLength);
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(offset + 4), crc);
            offset += 8;
        }

        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), (ushort)(offset - StunConstants.HeaderLength));
        return message;
    }

    private StunMessageBuilder AddText(ushort type, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        return AddAttribute(type, bytes);
    }

    private StunMessageBuilder AddUInt64(ushort type, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return AddAttribute(type, bytes);
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > ushort.MaxValue)
        {
            throw new InvalidOperationException("A STUN message is at most 65535 bytes.");
        }

        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        Span<byte> target = _buffer.AsSpan(_length, count);
        _length += count;
        return target;
    }
}
