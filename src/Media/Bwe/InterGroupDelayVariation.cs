namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>One inter-group delay variation sample (draft-ietf-rmcat-gcc-02 §5.2): d(i) = (T(i) - T(i-1)) -
/// (t(i) - t(i-1)), t the departure and T the arrival of the last packet of a group, in milliseconds.</summary>
internal readonly record struct GroupDelta(double SendDeltaMs, double ArrivalDeltaMs, double ArrivalMs)
{
    public double DelayVariationMs => ArrivalDeltaMs - SendDeltaMs;
}

/// <summary>Groups packets into bursts (draft-ietf-rmcat-gcc-02 §5.2): packets sent within
/// <see cref="BurstMicros"/> (5 ms) of a group's first packet belong to it, and so does a packet that arrives within
/// 5 ms of the group's last one with a negative delay variation (a burst released by a queue). Each completed group
/// after the first yields a <see cref="GroupDelta"/> against the previous group. Packets sent before the current
/// group's first one (reordered in the feedback) are ignored.</summary>
internal sealed class InterGroupDelayVariation
{
    public const long BurstMicros = 5_000;

    /// <summary>Gaps in arrival longer than this (a pause, a path change) start over rather than produce a sample.</summary>
    private const long MaxArrivalGapMicros = 3_000_000;

    private PacketGroup _current;
    private PacketGroup _previous;

    /// <summary>Adds a received packet; true when it completed a group and <paramref name="delta"/> is a sample.</summary>
    public bool TryAdd(long sendMicros, long arrivalMicros, out GroupDelta delta)
    {
        delta = default;
        if (!_current.Exists)
        {
            _current = PacketGroup.Start(sendMicros, arrivalMicros);
            return false;
        }

        if (sendMicros < _current.FirstSendMicros)
        {
            return false;
        }

        if (BelongsToCurrent(sendMicros, arrivalMicros))
        {
            _current = _current.With(sendMicros, arrivalMicros);
            return false;
        }

        bool produced = false;
        if (_previous.Exists)
        {
            long arrivalDelta = _current.LastArrivalMicros - _previous.LastArrivalMicros;
            if (arrivalDelta > MaxArrivalGapMicros || arrivalDelta < -MaxArrivalGapMicros)
            {
                _previous = default;
                _current = PacketGroup.Start(sendMicros, arrivalMicros);
                return false;
            }

            delta = new GroupDelta(
                (_current.LastSendMicros - _previous.LastSendMicros) / 1000.0,
                arrivalDelta / 1000.0,
                _current.LastArrivalMicros / 1000.0);
            produced = true;
        }

        _previous = _current;
        _current = PacketGroup.Start(sendMicros, arrivalMicros);
        return produced;
    }

    private bool BelongsToCurrent(long sendMicros, long arrivalMicros)
    {
        if (sendMicros - _current.FirstSendMicros <= BurstMicros)
        {
            return true;
        }

        long interArrival = arrivalMicros - _current.LastArrivalMicros;
        long interDeparture = sendMicros - _current.LastSendMicros;
        return interArrival < BurstMicros && interArrival - interDeparture < 0;
    }

    private readonly record struct PacketGroup(bool Exists, long FirstSendMicros, long LastSendMicros, long LastArrivalMicros)
    {
        public static PacketGroup Start(long send, long arrival) => new(true, send, send, arrival);

        public PacketGroup With(long send, long arrival) =>
            this with { LastSendMicros = Math.Max(LastSendMicros, send), LastArrivalMicros = Math.Max(LastArrivalMicros, arrival) };
    }
}
