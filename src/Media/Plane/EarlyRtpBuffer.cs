namespace Doctolib.Telehealth.Media.Plane;

/// <summary>SRTP packets that arrived while the session's DTLS handshake was finishing on the server, kept (still
/// protected) with their arrival times until the keys are in place. A browser starts sending the moment it has the
/// server's last handshake flight, but the server takes its keys a little later (the handshake's result is picked up by
/// the control plane, under the plane's lock): in the browser benchmark the first 18 packets of a Chromium publisher
/// came 90 ms before the keys, among them its whole initial probe (padding at 3× and 6× its start rate,
/// draft-ietf-rmcat-gcc-02 §5 leaves probing to the sender). Dropped, they got no transport feedback, the probe failed
/// and the sender's estimate climbed from 300 kbps by 8 % a second instead of jumping to what the path carries.
/// Kept, they are decrypted and reported (with their real arrival times) by the receive loop once the keys exist, in
/// order, before the packet that found the keys. Bounded: <see cref="Capacity"/> packets; the buffer is taken once.</summary>
internal sealed class EarlyRtpBuffer
{
    /// <summary>At most this many packets are kept (about 300 ms of a start-rate call).</summary>
    public const int Capacity = 64;

    private readonly Lock _gate = new();
    private readonly byte[][] _packets = new byte[Capacity][];
    private readonly int[] _lengths = new int[Capacity];
    private readonly long[] _arrivals = new long[Capacity];
    private int _count;
    private bool _taken;

    /// <summary>How many packets are kept.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Keeps a copy of <paramref name="datagram"/>; false when full or already taken (the packet is dropped).</summary>
    public bool TryAdd(ReadOnlySpan<byte> datagram, long arrivalMicros)
    {
        lock (_gate)
        {
            if (_taken || _count == Capacity)
            {
                return false;
            }

            byte[] copy = _packets[_count] ??= new byte[Transport.UdpMediaSocket.MaxDatagram];
            if (datagram.Length > copy.Length)
            {
                return false;
            }

            datagram.CopyTo(copy);
            _lengths[_count] = datagram.Length;
            _arrivals[_count] = arrivalMicros;
            _count++;
            return true;
        }
    }

    /// <summary>Closes the buffer (later <see cref="TryAdd"/> calls fail) and returns how many packets it holds; read them
    /// with <see cref="Packet"/> afterwards.</summary>
    public int Take()
    {
        lock (_gate)
        {
            _taken = true;
            return _count;
        }
    }

    /// <summary>Packet <paramref name="index"/> (after <see cref="Take"/>): its protected bytes and its arrival time.</summary>
    public Span<byte> Packet(int index, out long arrivalMicros)
    {
        arrivalMicros = _arrivals[index];
        return _packets[index].AsSpan(0, _lengths[index]);
    }
}
