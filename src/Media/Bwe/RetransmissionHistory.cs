using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>The packets recently sent on one outgoing stream, by their (outgoing) sequence number, so a Generic NACK
/// (RFC 4585 §6.2.1) can be answered on the RTX stream (RFC 4588 §4). Bounded by count (the ring's
/// <c>capacity</c>; a newer packet takes an older one's slot) and by age (<c>maxAgeMicros</c>); a packet is resent
/// at most once per <c>minResendIntervalMicros</c> (a NACK repeated within an RTT asks for what is already on its
/// way). Slots are allocated once, in the constructor. Not thread-safe.</summary>
internal sealed class RetransmissionHistory
{
    private readonly byte[] _data;
    private readonly int[] _lengths;
    private readonly int[] _sequences;
    private readonly long[] _storedMicros;
    private readonly long[] _resentMicros;
    private readonly int _mask;
    private readonly int _slotBytes;
    private readonly long _maxAgeMicros;
    private readonly long _minResendIntervalMicros;

    public RetransmissionHistory(int capacity = 512, int slotBytes = 1500, long maxAgeMicros = 1_000_000, long minResendIntervalMicros = 10_000)
    {
        if (capacity < 16 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity is a power of two of at least 16.");
        }

        _data = new byte[capacity * slotBytes];
        _lengths = new int[capacity];
        _sequences = new int[capacity];
        _storedMicros = new long[capacity];
        _resentMicros = new long[capacity];
        _mask = capacity - 1;
        _slotBytes = slotBytes;
        _maxAgeMicros = maxAgeMicros;
        _minResendIntervalMicros = minResendIntervalMicros;
        Array.Fill(_sequences, -1);
    }

    /// <summary>Keeps a copy of a packet as sent (plaintext, after any rewriting). Packets over the slot size are not kept.</summary>
    public bool Store(ushort sequence, ReadOnlySpan<byte> packet, long nowMicros)
    {
        if (packet.Length > _slotBytes)
        {
            return false;
        }

        int slot = sequence & _mask;
        packet.CopyTo(_data.AsSpan(slot * _slotBytes, _slotBytes));
        _lengths[slot] = packet.Length;
        _sequences[slot] = sequence;
        _storedMicros[slot] = nowMicros;
        _resentMicros[slot] = long.MinValue;
        return true;
    }

    /// <summary>The stored packet for a NACKed sequence number, if it is kept, not too old, and not resent within the
    /// interval; marks it resent at <paramref name="nowMicros"/>.</summary>
    public bool TryTakeForResend(ushort sequence, long nowMicros, out ReadOnlySpan<byte> packet)
    {
        packet = default;
        int slot = sequence & _mask;
        if (_sequences[slot] != sequence || nowMicros - _storedMicros[slot] > _maxAgeMicros)
        {
            return false;
        }

        if (_resentMicros[slot] != long.MinValue && nowMicros - _resentMicros[slot] < _minResendIntervalMicros)
        {
            return false;
        }

        _resentMicros[slot] = nowMicros;
        packet = _data.AsSpan(slot * _slotBytes, _lengths[slot]);
        return true;
    }

    /// <summary>The stored packet for a sequence number if it is kept and not too old, without marking it resent (for a
    /// history shared by several receivers, each of which may NACK the same packet).</summary>
    public bool TryGet(ushort sequence, long nowMicros, out ReadOnlySpan<byte> packet)
    {
        packet = default;
        int slot = sequence & _mask;
        if (_sequences[slot] != sequence || nowMicros - _storedMicros[slot] > _maxAgeMicros)
        {
            return false;
        }

        packet = _data.AsSpan(slot * _slotBytes, _lengths[slot]);
        return true;
    }

    /// <summary>Answers a NACK: fills <paramref name="toResend"/> with the named sequence numbers this history can
    /// resend now (see <see cref="TryTakeForResend"/>; read each with <see cref="Peek"/>) and returns how many.</summary>
    public int Answer(in RtcpGenericNack nack, long nowMicros, Span<ushort> toResend)
    {
        int count = 0;
        foreach (ushort sequence in nack)
        {
            if (count == toResend.Length)
            {
                break;
            }

            if (TryTakeForResend(sequence, nowMicros, out _))
            {
                toResend[count++] = sequence;
            }
        }

        return count;
    }

    /// <summary>The stored packet, regardless of age or resend interval (for the packets <see cref="Answer"/> chose).</summary>
    public bool Peek(ushort sequence, out ReadOnlySpan<byte> packet)
    {
        int slot = sequence & _mask;
        packet = _sequences[slot] == sequence ? _data.AsSpan(slot * _slotBytes, _lengths[slot]) : default;
        return _sequences[slot] == sequence;
    }
}
