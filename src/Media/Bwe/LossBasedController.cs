namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Loss-based rate control (draft-ietf-rmcat-gcc-02 §6): over each window of at least
/// <c>minPackets</c> reported packets and <c>intervalMicros</c>, a loss fraction p above 10 % gives
/// As = As·(1 - 0.5·p), below 2 % As = 1.05·As, in between As holds. As never exceeds <c>ceilingBps</c> (the
/// delay-based estimate), so it only ever lowers the final min(As, Ar).
/// The rule assumes the sender follows the estimate. When it does not (the window's packets were sent at more than
/// 1.5 × the highest estimate there was while they left: a
/// forwarder relays what a publisher's encoder still sends, which lags the REMB it is given), the loss measures that
/// excess, not a worse path, and the loss stays high for several windows while what arrives is the bottleneck's rate;
/// cutting on regardless took a 300 kbit path's estimate to 30 kbps in two seconds (recorded in the browser
/// benchmark), which paused video on a link that carries it. Then a cut stops at 0.85 × the rate the receiver
/// acknowledged (the delay-based decrease of §5.5).</summary>
internal sealed class LossBasedController
{
    private const double HighLoss = 0.10;
    private const double LowLoss = 0.02;
    private const double AcknowledgedFloor = 0.85;
    private const double Overshoot = 1.5;
    private const long MinSendSpanMicros = 100_000;

    private readonly long _intervalMicros;
    private readonly int _minPackets;
    private long _windowStartMicros = long.MinValue;
    private int _received;
    private int _lost;
    private long _sentBytes;
    private long _firstSendMicros = long.MaxValue;
    private long _lastSendMicros = long.MinValue;
    private long _highestEstimateAtSendBps;

    public LossBasedController(long startBps, long intervalMicros = 500_000, int minPackets = 20)
    {
        EstimateBps = startBps;
        _intervalMicros = intervalMicros;
        _minPackets = minPackets;
    }

    public long EstimateBps { get; private set; }

    /// <summary>Loss fraction of the last window that was evaluated.</summary>
    public double LastLossFraction { get; private set; }

    public void OnReceived() => _received++;

    public void OnLost() => _lost++;

    /// <summary>A packet reported (received or lost) for the first time in this window: its size and send time, for
    /// the rate the window's packets were sent at, and the sender's estimate when it left (0: not known).</summary>
    public void NoteSent(int sizeBytes, long sendMicros, long estimateAtSendBps)
    {
        _highestEstimateAtSendBps = Math.Max(_highestEstimateAtSendBps, estimateAtSendBps);
        _sentBytes += sizeBytes;
        _firstSendMicros = Math.Min(_firstSendMicros, sendMicros);
        _lastSendMicros = Math.Max(_lastSendMicros, sendMicros);
    }

    /// <summary>A packet counted lost was reported received after all (the receiver re-reported it).</summary>
    public void OnRecovered()
    {
        if (_lost > 0)
        {
            _lost--;
        }

        _received++;
    }

    /// <summary>A probe measured more: the loss-based bound starts from there unless the last window saw high loss.</summary>
    public void RaiseTo(long bps)
    {
        if (bps > EstimateBps && LastLossFraction <= HighLoss)
        {
            EstimateBps = bps;
        }
    }

    /// <summary>Closes the window if it is long enough and applies the rule; returns the estimate.
    /// <paramref name="acknowledgedBps"/> is the receiver's acknowledged rate (0 when unknown: no floor).</summary>
    public long Update(long nowMicros, long ceilingBps, long minBps, long acknowledgedBps = 0)
    {
        if (_windowStartMicros == long.MinValue)
        {
            _windowStartMicros = nowMicros;
        }

        int total = _received + _lost;
        if (nowMicros - _windowStartMicros >= _intervalMicros && total >= _minPackets)
        {
            double loss = (double)_lost / total;
            LastLossFraction = loss;
            double estimate = EstimateBps;
            if (loss > HighLoss)
            {
                estimate *= 1 - (0.5 * loss);
                long span = _lastSendMicros - _firstSendMicros;
                if (span >= MinSendSpanMicros && _highestEstimateAtSendBps > 0 && _sentBytes * 8e6 / span > Overshoot * _highestEstimateAtSendBps)
                {
                    estimate = Math.Max(estimate, Math.Min(EstimateBps, AcknowledgedFloor * acknowledgedBps));
                }
            }
            else if (loss < LowLoss)
            {
                estimate *= 1.05;
            }

            EstimateBps = (long)estimate;
            _received = 0;
            _lost = 0;
            _sentBytes = 0;
            _firstSendMicros = long.MaxValue;
            _lastSendMicros = long.MinValue;
            _highestEstimateAtSendBps = 0;
            _windowStartMicros = nowMicros;
        }

        EstimateBps = Math.Max(minBps, Math.Min(EstimateBps, ceilingBps));
        return EstimateBps;
    }
}
