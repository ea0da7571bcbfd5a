namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Extends 16-bit RTP-style sequence numbers (RFC 3550 §A.1 wrap-around) to a 64-bit counter: each value is
/// placed within ±32767 of the previous one, so reordering inside half the number space is kept.</summary>
internal struct SequenceUnwrapper
{
    private long _last;
    private bool _started;

    public readonly bool HasStarted => _started;

    public long Unwrap(ushort sequence)
    {
        if (!_started)
        {
            _started = true;
            _last = sequence + 65536L; // room below the first value for packets that arrive before it
            return _last;
        }

        long unwrapped = _last + (short)(sequence - (ushort)_last);
        _last = unwrapped;
        return unwrapped;
    }

    /// <summary>Unwraps without moving the reference point (for a value that is looked up, not received).</summary>
    public readonly long Peek(ushort sequence) => _started ? _last + (short)(sequence - (ushort)_last) : sequence + 65536L;
}
