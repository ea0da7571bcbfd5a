using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>The last second or so of one published video track's plaintext RTP packets (as the publisher sent them,
/// after unwrapping its RTX), so any receiver's NACK is answered without asking the publisher: plainly, or on the
/// receiver's RTX stream. The storage is <see cref="RetransmissionHistory"/>; this adds the lock (the publisher's
/// receive loop stores, a receiver's loop reads) and the plane's clock. Slots are allocated once.</summary>
internal sealed class RetransmissionBuffer
{
    private const int SlotCount = 256;
    private const int SlotBytes = 1280;

    private readonly RetransmissionHistory _history;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    public RetransmissionBuffer(TimeProvider time, TimeSpan maxAge)
    {
        _time = time;
        _history = new RetransmissionHistory(SlotCount, SlotBytes, (long)maxAge.TotalMicroseconds, minResendIntervalMicros: 0);
    }

    public void Store(ushort sequence, ReadOnlySpan<byte> packet)
    {
        long now = BweClock.Micros(_time);
        lock (_gate)
        {
            _history.Store(sequence, packet, now);
        }
    }

    /// <summary>Copies the packet with this sequence number into <paramref name="destination"/>; 0 when it is
    /// gone (overwritten or older than the buffer keeps).</summary>
    public int TryCopy(ushort sequence, Span<byte> destination)
    {
        long now = BweClock.Micros(_time);
        lock (_gate)
        {
            if (!_history.TryGet(sequence, now, out ReadOnlySpan<byte> packet) || packet.Length > destination.Length)
            {
                return 0;
            }

            packet.CopyTo(destination);
            return packet.Length;
        }
    }
}
