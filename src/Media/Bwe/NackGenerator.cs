namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Receive side of NACK-based repair (RFC 4585 §3.6.1, §6.2.1) for one publisher's video stream: a gap in
/// sequence numbers marks the skipped packets missing; <see cref="Collect"/> lists the missing ones due for a
/// (re)request — at once the first time, then no sooner than one RTT (at least <c>minResendIntervalMicros</c>)
/// after the last request — up to <c>maxRetries</c> requests and <c>maxAgeMicros</c> after the gap was seen. A
/// packet arriving late (or through RTX, after unwrapping) leaves the list. A gap longer than <c>maxMissing</c>
/// is not worth NACKing: the list is cleared and <see cref="TakeKeyframeRequest"/> tells the caller to send a PLI.
/// Allocation-free after construction; not thread-safe.</summary>
internal sealed class NackGenerator
{
    private readonly long[] _sequences;
    private readonly long[] _detectedMicros;
    private readonly long[] _requestedMicros;
    private readonly int[] _retries;
    private readonly int _maxRetries;
    private readonly long _maxAgeMicros;
    private readonly long _minResendIntervalMicros;
    private SequenceUnwrapper _unwrapper;
    private long _highest = long.MinValue;
    private int _count;
    private bool _keyframeRequested;

    public NackGenerator(int maxMissing = 256, int maxRetries = 10, long maxAgeMicros = 1_000_000, long minResendIntervalMicros = 20_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMissing, 1);
        _sequences = new long[maxMissing];
        _detectedMicros = new long[maxMissing];
        _requestedMicros = new long[maxMissing];
        _retries = new int[maxMissing];
        _maxRetries = maxRetries;
        _maxAgeMicros = maxAgeMicros;
        _minResendIntervalMicros = minResendIntervalMicros;
    }

    public int MissingCount => _count;

    /// <summary>Packets that arrived after having been counted missing (reordered or repaired).</summary>
    public long Recovered { get; private set; }

    public void OnPacket(ushort sequence, long nowMicros)
    {
        long unwrapped = _unwrapper.Unwrap(sequence);
        if (_highest == long.MinValue)
        {
            _highest = unwrapped;
            return;
        }

        if (unwrapped <= _highest)
        {
            if (Remove(unwrapped))
            {
                Recovered++;
            }

            return;
        }

        long gap = unwrapped - _highest - 1;
        if (gap > _sequences.Length)
        {
            _count = 0;
            _keyframeRequested = true;
        }
        else
        {
            for (long missing = _highest + 1; missing < unwrapped; missing++)
            {
                Add(missing, nowMicros);
            }
        }

        _highest = unwrapped;
    }

    /// <summary>Fills <paramref name="destination"/> with the sequence numbers to NACK now, in order, and returns how
    /// many; expired entries (too many retries or too old) are dropped on the way.</summary>
    public int Collect(long nowMicros, long rttMicros, Span<ushort> destination)
    {
        long interval = Math.Max(rttMicros, _minResendIntervalMicros);
        int written = 0;
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            if (_retries[i] >= _maxRetries || nowMicros - _detectedMicros[i] > _maxAgeMicros)
            {
                continue;
            }

            bool due = _retries[i] == 0 || nowMicros - _requestedMicros[i] >= interval;
            if (due && written < destination.Length)
            {
                destination[written++] = (ushort)_sequences[i];
                _retries[i]++;
                _requestedMicros[i] = nowMicros;
            }

            Move(i, kept++);
        }

        _count = kept;
        return written;
    }

    /// <summary>True once after a gap too long to repair by NACK.</summary>
    public bool TakeKeyframeRequest()
    {
        bool requested = _keyframeRequested;
        _keyframeRequested = false;
        return requested;
    }

    private void Add(long sequence, long nowMicros)
    {
        if (_count == _sequences.Length)
        {
            Shift(0); // the oldest gives way
        }

        _sequences[_count] = sequence;
        _detectedMicros[_count] = nowMicros;
        _requestedMicros[_count] = 0;
        _retries[_count] = 0;
        _count++;
    }

    private bool Remove(long sequence)
    {
        int index = Array.BinarySearch(_sequences, 0, _count, sequence);
        if (index < 0)
        {
            return false;
        }

        Shift(index);
        return true;
    }

    private void Shift(int index)
    {
        for (int i = index + 1; i < _count; i++)
        {
            Move(i, i - 1);
        }

        _count--;
    }

    private void Move(int from, int to)
    {
        _sequences[to] = _sequences[from];
        _detectedMicros[to] = _detectedMicros[from];
        _requestedMicros[to] = _requestedMicros[from];
        _retries[to] = _retries[from];
    }
}
