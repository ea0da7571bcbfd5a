namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>Walks the elements of an RTP header extension in one-byte or two-byte form (RFC 8285 §4.2, §4.3),
/// skipping padding bytes. Stops (without throwing) at the first malformed element.</summary>
internal ref struct RtpExtensionEnumerator
{
    private readonly ReadOnlySpan<byte> _packet;
    private readonly int _end;
    private readonly bool _oneByte;
    private int _next;

    public RtpExtensionEnumerator(ReadOnlySpan<byte> packet, in RtpHeader header)
    {
        _packet = packet;
        bool supported = header.HasOneByteExtensions || header.HasTwoByteExtensions;
        _oneByte = header.HasOneByteExtensions;
        _next = header.ExtensionOffset;
        _end = supported ? header.ExtensionOffset + header.ExtensionLength : header.ExtensionOffset;
    }

    public int Id { get; private set; }

    /// <summary>Offset of the element's header byte(s).</summary>
    public int ElementOffset { get; private set; }
    public int ValueOffset { get; private set; }
    public int ValueLength { get; private set; }
    public readonly bool IsOneByte => _oneByte;

    public bool MoveNext()
    {
        while (_next < _end)
        {
            byte first = _packet[_next];
            if (first == 0)
            {
                _next++; // padding
                continue;
            }

            ElementOffset = _next;
            if (_oneByte)
            {
                int id = first >> 4;
                if (id == 15)
                {
                    _next = _end; // reserved id: stop processing (RFC 8285 §4.2)
                    return false;
                }

                Id = id;
                ValueLength = (first & 0x0F) + 1;
                ValueOffset = _next + 1;
            }
            else
            {
                if (_next + 1 >= _end)
                {
                    _next = _end;
                    return false;
                }

                Id = first;
                ValueLength = _packet[_next + 1];
                ValueOffset = _next + 2;
            }

            if (ValueOffset + ValueLength > _end)
            {
                _next = _end;
                return false;
            }

            _next = ValueOffset + ValueLength;
            return true;
        }

        return false;
    }
}
