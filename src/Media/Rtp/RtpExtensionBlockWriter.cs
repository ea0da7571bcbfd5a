using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>Builds an RTP header extension block (RFC 3550 §5.3.1) in the one-byte (RFC 8285 §4.2, profile 0xBEDE,
/// ids 1-14, values 1-16 bytes) or two-byte form (RFC 8285 §4.3, profile 0x1000, ids 1-255, values 0-255 bytes)
/// straight into a caller's buffer: the 4-byte block header, the elements, then zero padding to a 32-bit boundary.
/// The writing counterpart of <see cref="RtpExtensionEnumerator"/>.</summary>
internal ref struct RtpExtensionBlockWriter
{
    private readonly Span<byte> _destination;
    private int _offset;

    public RtpExtensionBlockWriter(Span<byte> destination, bool twoByte)
    {
        if (destination.Length < 4)
        {
            throw new ArgumentException("An extension block needs at least its 4-byte header.", nameof(destination));
        }

        _destination = destination;
        IsTwoByte = twoByte;
        BinaryPrimitives.WriteUInt16BigEndian(destination, twoByte ? RtpHeader.TwoByteExtensionProfile : RtpHeader.OneByteExtensionProfile);
        _offset = 4;
    }

    public readonly bool IsTwoByte { get; }

    /// <summary>Whether an element with this id and value length can be written in this block's form.</summary>
    public readonly bool Fits(int id, int valueLength) => IsTwoByte
        ? id is >= 1 and <= 255 && valueLength is >= 0 and <= 255
        : id is >= 1 and <= 14 && valueLength is >= 1 and <= 16;

    /// <summary>Appends one element; false (nothing written) if it does not fit the form or the buffer.</summary>
    public bool TryAdd(int id, scoped ReadOnlySpan<byte> value)
    {
        int header = IsTwoByte ? 2 : 1;
        if (!Fits(id, value.Length) || _offset + header + value.Length > _destination.Length)
        {
            return false;
        }

        if (IsTwoByte)
        {
            _destination[_offset] = (byte)id;
            _destination[_offset + 1] = (byte)value.Length;
        }
        else
        {
            _destination[_offset] = (byte)((id << 4) | (value.Length - 1));
        }

        value.CopyTo(_destination[(_offset + header)..]);
        _offset += header + value.Length;
        return true;
    }

    /// <summary>Pads the elements to a 32-bit boundary, writes the length word and returns the block's total length
    /// (header included); -1 if the buffer has no room for the padding.</summary>
    public readonly int Finish()
    {
        int padded = (_offset + 3) & ~3;
        if (padded > _destination.Length)
        {
            return -1;
        }

        _destination[_offset..padded].Clear();
        BinaryPrimitives.WriteUInt16BigEndian(_destination[2..], (ushort)((padded - 4) / 4));
        return padded;
    }
}
