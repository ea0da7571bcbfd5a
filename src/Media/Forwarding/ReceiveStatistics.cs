namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>RFC 3550 §6.4.1 / Appendix A.3 receive statistics for one incoming SSRC, enough for an RR report
/// block: extended highest sequence, cumulative and fractional loss. Written by the receive loop only.</summary>
internal sealed class ReceiveStatistics
{
    private bool _started;
    private ushort _maxSequence;
    private uint _cycles;
    private uint _baseSequence;
    private long _received;
    private long _expectedPrior;
    private long _receivedPrior;
    private long _bytes;
    private long _bytesPrior;

    public long Bytes => Volatile.Read(ref _bytes);

    public long Received => Volatile.Read(ref _received);

    public void OnPacket(ushort sequence, int bytes)
    {
        _bytes += bytes;
        _received++;
        if (!_started)
        {
            _started = true;
            _maxSequence = sequence;
            _baseSequence = sequence;
            return;
        }

        ushort delta = (ushort)(sequence - _maxSequence);
        if (delta != 0 && delta < 0x8000)
        {
            if (sequence < _maxSequence)
            {
                _cycles += 1u << 16;
            }

            _maxSequence = sequence;
        }
    }

    public uint ExtendedHighestSequence => _cycles + _maxSequence;

    /// <summary>Takes the report-block numbers for the interval since the last call.</summary>
    public (byte FractionLost, int CumulativeLost, uint ExtendedHighest) TakeReport()
    {
        uint extendedMax = ExtendedHighestSequence;
        long expected = _started ? (long)extendedMax - _baseSequence + 1 : 0;
        long received = _received;
        long lost = Math.Clamp(expected - received, -0x800000, 0x7FFFFF);
        long expectedInterval = expected - _expectedPrior;
        long receivedInterval = received - _receivedPrior;
        _expectedPrior = expected;
        _receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        byte fraction = expectedInterval <= 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
        return (fraction, (int)lost, extendedMax);
    }

    /// <summary>Bytes received since the last call.</summary>
    public long TakeBytes()
    {
        long bytes = Volatile.Read(ref _bytes);
        long interval = bytes - _bytesPrior;
        _bytesPrior = bytes;
        return interval;
    }
}
