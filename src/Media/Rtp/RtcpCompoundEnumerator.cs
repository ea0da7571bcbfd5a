namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>Walks the packets of a compound RTCP datagram (RFC 3550 §6.1). With rtcp-rsize (RFC 5506) a datagram may
/// hold a single feedback packet, so the first packet is not required to be SR/RR. Stops at the first malformed
/// packet and sets <see cref="IsMalformed"/>; never throws.</summary>
internal ref struct RtcpCompoundEnumerator
{
    private readonly ReadOnlySpan<byte> _data;
    private int _offset;

    public RtcpCompoundEnumerator(ReadOnlySpan<byte> data)
    {
        _data = data;
        IsMalformed = data.Length < RtcpHeader.Size;
    }

    public RtcpHeader Header { get; private set; }

    /// <summary>The current packet, header included.</summary>
    public ReadOnlySpan<byte> Packet { get; private set; }
    public bool IsMalformed { get; private set; }

    public bool MoveNext()
    {
        if (IsMalformed || _offset >= _data.Length)
        {
            return false;
        }

        if (!RtcpHeader.TryRead(_data[_offset..], out RtcpHeader header)
            || (header.Padding && _offset + header.Length != _data.Length))
        {
            IsMalformed = true;
            return false;
        }

        Header = header;
        Packet = _data.Slice(_offset, header.Length);
        _offset += header.Length;
        return true;
    }

    /// <summary>Checks a whole compound datagram: every packet well formed up to the last byte.</summary>
    public static bool IsValid(ReadOnlySpan<byte> data)
    {
        var packets = new RtcpCompoundEnumerator(data);
        while (packets.MoveNext())
        {
        }

        return !packets.IsMalformed;
    }
}
