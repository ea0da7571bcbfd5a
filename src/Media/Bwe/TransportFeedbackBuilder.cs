namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Receive side of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01
/// §3.1): records the arrival time of every packet by its transport-wide sequence number and, when due (every
/// <see cref="IntervalMicros"/>), writes feedback covering everything received since the previous feedback. A
/// packet that arrives after it was reported lost moves the start of the next feedback back to it, so the sender
/// learns it arrived; duplicates keep their first arrival; a range too long for one message (status count, delta
/// range or size) continues in another message with the next feedback packet count. Times are explicit
/// microseconds on one monotonic clock. Allocation-free after construction; not thread-safe (one per transport).</summary>
internal sealed class TransportFeedbackBuilder
{
    private const long Empty = long.MinValue;

    private readonly long[] _arrivals;
    private readonly long[] _sequences;
    private readonly int _mask;
    private readonly TransportFeedbackWriter _writer;
    private readonly uint _senderSsrc;
    private SequenceUnwrapper _unwrapper;
    private long _reportFrom;
    private long _highest = long.MinValue;
    private long _lastFeedbackMicros = long.MinValue;
    private uint _mediaSsrc;
    private byte _feedbackCount;

    /// <param name="capacity">Packets remembered (a power of two); older ones are neither reported nor re-reported.</param>
    public TransportFeedbackBuilder(uint senderSsrc, long intervalMicros = 50_000, int capacity = 4096, int maxMessageBytes = 1200)
    {
        if (capacity < 16 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity is a power of two of at least 16.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(intervalMicros);
        _senderSsrc = senderSsrc;
        IntervalMicros = intervalMicros;
        _arrivals = new long[capacity];
        _sequences = new long[capacity];
        _mask = capacity - 1;
        Array.Fill(_sequences, Empty);
        _writer = new TransportFeedbackWriter(maxMessageBytes);
    }

    public long IntervalMicros { get; }

    /// <summary>Whether a received packet has not been reported yet.</summary>
    public bool HasPending => _highest != long.MinValue && _reportFrom <= _highest;

    public void OnPacket(ushort transportSequence, long arrivalMicros, uint mediaSsrc)
    {
        long sequence = _unwrapper.Unwrap(transportSequence);
        if (_highest == long.MinValue)
        {
            _highest = sequence;
            _reportFrom = sequence;
        }
        else if (sequence <= _highest - _arrivals.Length)
        {
            return; // older than what is remembered
        }

        int slot = (int)(sequence & _mask);
        if (_sequences[slot] == sequence)
        {
            return; // duplicate: the first arrival counts
        }

        _sequences[slot] = sequence;
        _arrivals[slot] = arrivalMicros;
        _mediaSsrc = mediaSsrc;
        if (sequence > _highest)
        {
            _highest = sequence;
        }

        if (sequence < _reportFrom)
        {
            _reportFrom = sequence; // it was reported lost: report again from here
        }

        long oldest = _highest - _arrivals.Length + 1;
        if (_reportFrom < oldest)
        {
            _reportFrom = oldest;
        }
    }

    public bool IsDue(long nowMicros) =>
        HasPending && (_lastFeedbackMicros == long.MinValue || nowMicros - _lastFeedbackMicros >= IntervalMicros);

    /// <summary>Writes one feedback message for pending packets and returns its length (0 when nothing is pending or
    /// the buffer cannot hold one). Call again while it returns more than 0 and <see cref="HasPending"/> holds, to send
    /// the rest of a range too long for one message.</summary>
    public int WriteFeedback(long nowMicros, Span<byte> destination)
    {
        if (!HasPending || destination.Length < TransportFeedbackFormat.FixedLength + 4)
        {
            return 0;
        }

        _writer.Begin(_senderSsrc, _mediaSsrc, (ushort)_reportFrom, _feedbackCount);
        long next = _reportFrom;
        for (long sequence = _reportFrom; sequence <= _highest; sequence++)
        {
            int slot = (int)(sequence & _mask);
            if (_sequences[slot] != sequence)
            {
                continue;
            }

            if (!_writer.TryAddReceived((ushort)sequence, _arrivals[slot]))
            {
                break;
            }

            next = sequence + 1;
        }

        int written = _writer.Write(destination[..Math.Min(destination.Length, _writer.MaxMessageBytes)]);
        if (written == 0)
        {
            return 0;
        }

        _reportFrom = next;
        _feedbackCount++;
        _lastFeedbackMicros = nowMicros;
        return written;
    }
}
