namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>The last second or so of one track's plaintext RTP packets, indexed by sequence number, so a
/// receiver's NACK can be answered without asking the publisher. Slots are allocated once and reused.</summary>
internal sealed class RetransmissionBuffer
{
    private const int SlotCount = 256;
    private const int SlotBytes = 1280;
    private const int Mask = SlotCount - 1;

    private readonly byte[]?[] _slots = new byte[SlotCount][];
    private readonly int[] _lengths = new int[SlotCount];
    private readonly int[] _sequences = new int[SlotCount];
    private readonly long[] _storedAt = new long[SlotCount];
    private readonly long _maxAgeTicks;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    public RetransmissionBuffer(TimeProvider time, TimeSpan maxAge)
    {
        _time = time;
        _maxAgeTicks = (long)(maxAge.TotalSeconds * time.TimestampFrequency);
        Array.Fill(_sequences, -1);
    }

    public void Store(ushort sequence, ReadOnlySpan<byte> packet)
    {
        if (packet.Length > SlotBytes)
        {
            return;
        }

        int slot = sequence & Mask;
        lock (_gate)
        {
            byte[] buffer = _slots[slot] ??= new byte[SlotBytes];
            packet.CopyTo(buffer);
            _lengths[slot] = packet.Length;
            _sequences[slot] = sequence;
            _storedAt[slot] = _time.GetTimestamp();
        }
    }

    /// <summary>Copies the packet with this sequence number into <paramref name="destination"/>; 0 when it is
    /// gone (overwritten or older than the buffer keeps).</summary>
    public int TryCopy(ushort sequence, Span<byte> destination)
    {
        int slot = sequence & Mask;
        lock (_gate)
        {
            byte[]? buffer = _slots[slot];
            if (buffer is null || _sequences[slot] != sequence)
            {
                return 0;
            }

            if (_time.GetTimestamp() - _storedAt[slot] > _maxAgeTicks)
            {
                return 0;
            }

            int length = _lengths[slot];
            if (length > destination.Length)
            {
                return 0;
            }

            buffer.AsSpan(0, length).CopyTo(destination);
            return length;
        }
    }
}
