namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>The received rate R of draft-ietf-rmcat-gcc-02 §5.5 measured at the sender from feedback: bytes of
/// packets whose arrival (on the receiver's clock) falls in the last <c>windowMicros</c>, divided by the window.
/// 0 until 100 ms of arrivals were seen. Allocation-free ring of recent arrivals.</summary>
internal sealed class AcknowledgedBitrate
{
    private const long MinSpanMicros = 100_000;

    private readonly long _windowMicros;
    private readonly long[] _arrivals;
    private readonly int[] _sizes;
    private int _head;
    private int _count;
    private long _bytes;
    private long _latestMicros = long.MinValue;
    private long _firstMicros = long.MinValue;

    public AcknowledgedBitrate(long windowMicros = 500_000, int capacity = 4096)
    {
        _windowMicros = windowMicros;
        _arrivals = new long[capacity];
        _sizes = new int[capacity];
    }

    public void OnReceived(long arrivalMicros, int sizeBytes)
    {
        if (_firstMicros == long.MinValue)
        {
            _firstMicros = arrivalMicros;
        }

        _latestMicros = Math.Max(_latestMicros, arrivalMicros);
        if (_count == _arrivals.Length)
        {
            Drop();
        }

        int tail = (_head + _count) % _arrivals.Length;
        _arrivals[tail] = arrivalMicros;
        _sizes[tail] = sizeBytes;
        _count++;
        _bytes += sizeBytes;
        while (_count > 0 && _arrivals[_head] <= _latestMicros - _windowMicros)
        {
            Drop();
        }
    }

    public long Bps
    {
        get
        {
            if (_latestMicros == long.MinValue)
            {
                return 0;
            }

            long span = Math.Min(_windowMicros, _latestMicros - _firstMicros);
            return span < MinSpanMicros ? 0 : _bytes * 8 * 1_000_000 / span;
        }
    }

    private void Drop()
    {
        _bytes -= _sizes[_head];
        _head = (_head + 1) % _arrivals.Length;
        _count--;
    }
}
