namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Tells, from what the server itself receives, that a publisher's uplink has become too weak for its video: its
/// packets queue on the way (its audio arrives late by <see cref="QueuedAtLeastMicros"/> or more) and, over the time the
/// late packet waited, they arrive at under <see cref="WeakBelowBps"/>. A FIFO that holds a packet for q seconds was busy
/// sending the packets ahead of it all that time, so what arrived in those q seconds is what the link carries. The
/// audio's RTP timestamps give its send cadence (Opus, 20 ms frames, sent as they are captured, never paced), so the
/// queuing delay of each audio packet is its arrival less its timestamp, above the least such difference of the last
/// <see cref="BaseWindowMicros"/>.
///
/// Why it exists: a publisher's own sender learns of a drop only from the server's feedback, which travels on the
/// participant's downlink; when that link is weak too (the browser benchmark's "both at 100 kbit"), the feedback waits
/// seconds behind the video the server forwards, and each side's 30-packet queue filled with video within 0.4 s and
/// dropped the audio for 6–9 s. The server sees the uplink's arrivals slow down within a few hundred milliseconds.
///
/// Guards against a sender that merely stalled (a busy machine): the late audio must be confirmed by a later audio
/// packet at least as late, arriving at least <see cref="ConfirmSpacingMicros"/> after it (a queue that fills makes each
/// packet later than the one before; a stalled sender's backlog leaves in one burst, each packet of it less late than
/// the one before, since they were captured one after the other and sent together), and video must have arrived in the
/// window (a publisher without video has none to stop). A sender that only slowed down (a CPU-starved browser early in a
/// call, its video still under 150 kbps) makes its audio later and later too, so one more guard tells the two apart by
/// how the packets are spaced: a bottleneck's queue lets each packet out only once the one before it has been serialised,
/// so in a queued window every gap between two arrivals is one packet's size over the link's rate (the later packet's
/// behind a serialising link, the earlier one's behind a token-bucket shaper). The
/// <see cref="Dispersion"/> of the window (the summed difference between the gaps and those serialisation times, over the
/// window) is near 0 behind a queue, and large for a slowed sender, whose packets leave when it gets to them, frames in
/// clumps, whatever their sizes; the detector fires only under <see cref="MaximumDispersion"/>. Pure logic on explicit
/// microseconds, one instance per publisher session, not thread-safe; nothing allocated per packet.</summary>
internal sealed class UplinkBacklogDetector
{
    /// <summary>Under this rate, measured while the uplink queues, the link carries no video beside the sound (the
    /// audio-only bar of <see cref="AudioOnlyDecision"/>).</summary>
    internal const long WeakBelowBps = 150_000;

    /// <summary>How late an audio packet must arrive, above the least lateness seen, to read as queued.</summary>
    internal const long QueuedAtLeastMicros = 100_000;

    /// <summary>The confirming late audio packet arrives at least this long after the first one.</summary>
    internal const long ConfirmSpacingMicros = 10_000;

    /// <summary>The rate is measured over the late packet's own queuing delay, at most this long.</summary>
    internal const long MaximumWindowMicros = 1_000_000;

    /// <summary>The least lateness is the minimum over the last one to two of these (clocks drift; a path changes).</summary>
    internal const long BaseWindowMicros = 5_000_000;

    /// <summary>After it fires, it stays quiet this long (the caller holds the pause meanwhile).</summary>
    internal const long RearmMicros = 2_000_000;

    /// <summary>Over this <see cref="Dispersion"/> the window's arrivals are not a queue's (a slowed sender, not a weak link).</summary>
    internal const double MaximumDispersion = 0.5;

    /// <summary>The least number of arrivals in the window for its spacing to say anything.</summary>
    private const int MinimumWindowPackets = 4;

    /// <summary>A lateness this far from the base is a discontinuity (a new stream, a clock jump), not queuing.</summary>
    private const long DiscontinuityMicros = 10_000_000;

    private const int RingSize = 256;
    private const int AudioClockRate = 48_000;

    private readonly long[] _arrivals = new long[RingSize];
    private readonly int[] _sizes = new int[RingSize];
    private int _next;
    private int _count;
    private long _lastVideoMicros = long.MinValue;

    private uint _audioSsrc;
    private bool _hasAudio;
    private uint _lastTimestamp;
    private long _unwrappedTicks;
    private long _baseCurrent = long.MaxValue;
    private long _basePrevious = long.MaxValue;
    private long _baseEpochStartMicros = long.MinValue;
    private long _lateSinceMicros = long.MinValue;
    private long _lateQueuedMicros;
    private long _firedMicros = long.MinValue;

    /// <summary>The rate measured at the last confirmed backlog, in bits per second (0 before one).</summary>
    public long LastBacklogRateBps { get; private set; }

    /// <summary>Any RTP packet the publisher sent (media, RTX, padding), <paramref name="wireBytes"/> as it crossed the
    /// link (datagram plus IP and UDP headers).</summary>
    public void OnPacket(int wireBytes, bool video, long arrivalMicros)
    {
        _arrivals[_next] = arrivalMicros;
        _sizes[_next] = wireBytes;
        _next = (_next + 1) % RingSize;
        _count = Math.Min(RingSize, _count + 1);
        if (video)
        {
            _lastVideoMicros = arrivalMicros;
        }
    }

    /// <summary>An audio packet (after <see cref="OnPacket"/> for it); returns true when it confirms that the uplink is
    /// queuing at under <see cref="WeakBelowBps"/>, at most once per <see cref="RearmMicros"/>.</summary>
    public bool OnAudio(uint ssrc, uint rtpTimestamp, long arrivalMicros)
    {
        if (!_hasAudio || ssrc != _audioSsrc)
        {
            Restart(ssrc, rtpTimestamp, arrivalMicros);
            return false;
        }

        _unwrappedTicks += (int)(rtpTimestamp - _lastTimestamp);
        _lastTimestamp = rtpTimestamp;
        long lateness = arrivalMicros - (_unwrappedTicks * 1_000_000 / AudioClockRate);
        long baseline = Math.Min(_baseCurrent, _basePrevious);
        if (baseline != long.MaxValue && Math.Abs(lateness - baseline) > DiscontinuityMicros)
        {
            Restart(ssrc, rtpTimestamp, arrivalMicros);
            return false;
        }

        UpdateBase(lateness, arrivalMicros);
        long queued = lateness - Math.Min(_baseCurrent, _basePrevious);
        if (queued < QueuedAtLeastMicros)
        {
            _lateSinceMicros = long.MinValue;
            return false;
        }

        if (_lateSinceMicros == long.MinValue || queued < _lateQueuedMicros)
        {
            _lateSinceMicros = arrivalMicros;
            _lateQueuedMicros = queued;
            return false;
        }

        if (arrivalMicros - _lateSinceMicros < ConfirmSpacingMicros
            || (_firedMicros != long.MinValue && arrivalMicros - _firedMicros < RearmMicros))
        {
            return false;
        }

        long window = Math.Min(queued, MaximumWindowMicros);
        if (_lastVideoMicros == long.MinValue || arrivalMicros - _lastVideoMicros > window
            || !TryRate(arrivalMicros, window, out long rate, out int packets) || rate >= WeakBelowBps
            || packets < MinimumWindowPackets || Dispersion(packets) > MaximumDispersion)
        {
            return false;
        }

        LastBacklogRateBps = rate;
        _firedMicros = arrivalMicros;
        return true;
    }

    private void Restart(uint ssrc, uint rtpTimestamp, long arrivalMicros)
    {
        _hasAudio = true;
        _audioSsrc = ssrc;
        _lastTimestamp = rtpTimestamp;
        _unwrappedTicks = 0;
        _baseCurrent = arrivalMicros;
        _basePrevious = long.MaxValue;
        _baseEpochStartMicros = arrivalMicros;
        _lateSinceMicros = long.MinValue;
    }

    private void UpdateBase(long lateness, long arrivalMicros)
    {
        if (arrivalMicros - _baseEpochStartMicros >= BaseWindowMicros)
        {
            _basePrevious = _baseCurrent;
            _baseCurrent = long.MaxValue;
            _baseEpochStartMicros = arrivalMicros;
        }

        _baseCurrent = Math.Min(_baseCurrent, lateness);
    }

    /// <summary>Bits per second that arrived in (now − window, now], and how many packets did; false when the ring is
    /// full and does not reach back that far (then more than <see cref="RingSize"/> packets came in the window: no weak
    /// link).</summary>
    private bool TryRate(long nowMicros, long windowMicros, out long rateBps, out int packets)
    {
        long since = nowMicros - windowMicros;
        long bytes = 0;
        int index = _next;
        for (int i = 0; i < _count; i++)
        {
            index = (index + RingSize - 1) % RingSize;
            if (_arrivals[index] <= since)
            {
                rateBps = bytes * 8 * 1_000_000 / windowMicros;
                packets = i;
                return true;
            }

            bytes += _sizes[index];
        }

        rateBps = bytes * 8 * 1_000_000 / windowMicros;
        packets = _count;
        return _count < RingSize;
    }

    /// <summary>How far the newest <paramref name="packets"/> arrivals are from a bottleneck's spacing, 0 for one busy
    /// throughout, up to 2 for arrivals spaced regardless of their sizes. Two bottlenecks are read, and the nearer one
    /// counts: a link that serialises each packet before it arrives (a gap is the later packet's size over the rate), and
    /// a token-bucket shaper such as tc's HTB, which lets a packet out as soon as its tokens are back above zero and then
    /// debits it (a gap is the earlier packet's size over the rate).</summary>
    private double Dispersion(int packets)
    {
        int newest = (_next + RingSize - 1) % RingSize;
        int oldest = (_next + RingSize - packets) % RingSize;
        return Math.Min(SpacingError(oldest, newest, packets, sizeOfLater: true), SpacingError(oldest, newest, packets, sizeOfLater: false));
    }

    /// <summary>The summed |gap − size × span / bytes| over the span, for each arrival after the oldest, the size being
    /// that of the later or the earlier packet of the gap.</summary>
    private double SpacingError(int oldest, int newest, int packets, bool sizeOfLater)
    {
        long span = _arrivals[newest] - _arrivals[oldest];
        int shift = sizeOfLater ? 0 : RingSize - 1;
        long bytes = 0;
        for (int i = 1; i < packets; i++)
        {
            bytes += _sizes[(oldest + i + shift) % RingSize];
        }

        if (span <= 0 || bytes == 0)
        {
            return double.MaxValue;
        }

        double error = 0;
        for (int i = 1; i < packets; i++)
        {
            int index = (oldest + i) % RingSize;
            long gap = _arrivals[index] - _arrivals[(index + RingSize - 1) % RingSize];
            error += Math.Abs(gap - ((double)_sizes[(index + shift) % RingSize] * span / bytes));
        }

        return error / span;
    }
}
