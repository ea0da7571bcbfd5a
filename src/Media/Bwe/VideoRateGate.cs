namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Keeps the video the server forwards to one subscriber within its estimate while its path is constrained, so
/// that what the link cannot carry is dropped here, whole frames at a time, and not by the link's queue, which drops the
/// audio with it. A token bucket counts every packet sent to the subscriber (audio, video, resends) and refills at
/// <see cref="RateShare"/> × the estimate, <see cref="DepthMicros"/> deep; a video frame may start only while the bucket
/// is not in debt. Inactive (everything admitted) until the path pushes back
/// (<see cref="SubscriberBandwidth.IsConstrained"/>); when it becomes active the bucket starts empty, since what was sent
/// until then already overfilled the path. In the browser benchmark the patient's downlink at 300 kbit, the practitioner
/// sending about 800 kbps when the limit began, lost 44 % of its audio samples in the first 10 s relayed (6 % direct,
/// where the sender's own pacer and encoder cut at once): the server forwarded everything for the 8 s its publisher took
/// to come down to its REMB. One lock per packet, uncontended but for the few publishers that forward to one subscriber;
/// nothing allocated.</summary>
internal sealed class VideoRateGate
{
    /// <summary>The share of the estimate the bucket refills at: room for a sender's usual overshoot above its target.</summary>
    internal const double RateShare = 1.25;

    /// <summary>How much of its rate the bucket holds (at least <see cref="MinimumDepthBytes"/>).</summary>
    internal const long DepthMicros = 500_000;

    internal const int MinimumDepthBytes = 4 * 1_300;

    private readonly Lock _gate = new();
    private double _tokens;
    private long _refilledMicros = long.MinValue;
    private long _rateBps;
    private bool _active;

    /// <summary>True while the gate limits video (the path pushed back).</summary>
    public bool IsActive
    {
        get
        {
            lock (_gate)
            {
                return _active;
            }
        }
    }

    /// <summary>The estimate after a transport feedback, and whether the path is constrained.</summary>
    public void SetEstimate(long estimateBps, bool constrained, long nowMicros)
    {
        lock (_gate)
        {
            bool active = constrained && estimateBps > 0;
            if (active && !_active)
            {
                _tokens = 0;
                _refilledMicros = nowMicros;
            }
            else
            {
                Refill(nowMicros);
            }

            _active = active;
            _rateBps = estimateBps;
        }
    }

    /// <summary>A packet of <paramref name="bytes"/> went to the subscriber.</summary>
    public void OnSent(int bytes, long nowMicros)
    {
        lock (_gate)
        {
            if (!_active)
            {
                return;
            }

            Refill(nowMicros);
            _tokens -= bytes;
        }
    }

    /// <summary>True when a video frame may start now: the gate is inactive, or its bucket is not in debt.</summary>
    public bool MayStartVideoFrame(long nowMicros)
    {
        lock (_gate)
        {
            if (!_active)
            {
                return true;
            }

            Refill(nowMicros);
            return _tokens >= 0;
        }
    }

    private void Refill(long nowMicros)
    {
        if (_refilledMicros != long.MinValue && nowMicros > _refilledMicros)
        {
            double rateBytesPerMicro = RateShare * _rateBps / 8e6;
            double depth = Math.Max(MinimumDepthBytes, DepthMicros * rateBytesPerMicro);
            _tokens = Math.Min(depth, _tokens + ((nowMicros - _refilledMicros) * rateBytesPerMicro));
        }

        _refilledMicros = Math.Max(_refilledMicros, nowMicros);
    }
}
