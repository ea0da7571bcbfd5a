using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Ice;

/// <summary>RFC 4571 framing used by ICE-TCP (RFC 6544 §3): each STUN, DTLS, RTP or RTCP packet on the TCP stream is
/// preceded by its length as a 16-bit big-endian number.</summary>
internal static class IceTcpFraming
{
    public const int PrefixLength = 2;
    public const int MaxPayloadLength = ushort.MaxValue;

    /// <summary>Writes the length prefix and the payload; returns the bytes written.</summary>
    public static int WriteFrame(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        if (payload.Length > MaxPayloadLength)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), "An RFC 4571 frame carries at most 65535 bytes.");
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)payload.Length);
        payload.CopyTo(destination[PrefixLength..]);
        return PrefixLength + payload.Length;
    }

    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[PrefixLength + payload.Length];
        WriteFrame(payload, frame);
        return frame;
    }
}

/// <summary>Cuts an RFC 4571 byte stream back into packets, whatever the TCP segment boundaries were.</summary>
internal sealed class IceTcpFrameReader
{
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;

    /// <summary>Bytes received but not yet returned as a whole frame.</summary>
    public int BufferedLength => _end - _start;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_start > 0 && _end + data.Length > _buffer.Length)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end + data.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _end + data.Length));
        }

        data.CopyTo(_buffer.AsSpan(_end));
        _end += data.Length;
    }

    /// <summary>Returns the next whole frame's payload, valid until the next <see cref="Append"/>.</summary>
    public bool TryReadFrame(out ReadOnlySpan<byte> payload)
    {
        payload = default;
        int available = _end - _start;
        if (available < IceTcpFraming.PrefixLength)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start));
        if (available < IceTcpFraming.PrefixLength + length)
        {
            return false;
        }

        payload = _buffer.AsSpan(_start + IceTcpFraming.PrefixLength, length);
        _start += IceTcpFraming.PrefixLength + length;
        if (_start == _end)
        {
            _start = 0;
            _end = 0;
        }

        return true;
    }
}
