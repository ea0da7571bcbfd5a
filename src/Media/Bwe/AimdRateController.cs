namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Delay-based rate control (draft-ietf-rmcat-gcc-02 §5.5): a Hold/Increase/Decrease state machine driven
/// by the over-use signal. Increase is multiplicative (η = 1.08 per second) far from convergence and additive (about
/// half a packet per response time, RTT + 100 ms) when the received rate R is within 3 σ of its average at previous
/// decreases; Decrease sets A = β·R with β = 0.85, at most once per response time. A stays under 1.5·R. Rates in
/// bits per second, times in microseconds.</summary>
internal sealed class AimdRateController
{
    private const double Beta = 0.85;
    private const double Eta = 1.08;
    private const double MaxRateOverReceived = 1.5;
    private const double AverageSmoothing = 0.95;
    private const double MinRelativeDeviation = 0.05;
    private const long BaseResponseMicros = 100_000;
    private const int FramesPerSecond = 30;
    private const int PacketBits = 1200 * 8;
    private const double MinAdditiveBpsPerSecond = 20_000;

    private readonly long _minBps;
    private readonly long _maxBps;
    private long _lastUpdateMicros = long.MinValue;
    private long _lastDecreaseMicros = long.MinValue;
    private double _averageMaxBps = -1;
    private double _varianceMaxBps;

    public AimdRateController(long startBps, long minBps, long maxBps)
    {
        _minBps = minBps;
        _maxBps = maxBps;
        EstimateBps = Math.Clamp(startBps, minBps, maxBps);
    }

    public long EstimateBps { get; private set; }
    public RateControlState State { get; private set; } = RateControlState.Increase;

    /// <summary>Whether the last increase was additive (near the average rate at earlier decreases).</summary>
    public bool NearConvergence { get; private set; }

    /// <summary>A probe measured more than the estimate: start from there (the next increase is multiplicative again).</summary>
    public void RaiseTo(long bps)
    {
        if (bps > EstimateBps)
        {
            EstimateBps = Math.Clamp(bps, _minBps, _maxBps);
            _averageMaxBps = -1;
        }
    }

    /// <param name="receivedBps">The acknowledged (received) rate R, or 0 when not measured yet.</param>
    public long Update(BandwidthUsage usage, long receivedBps, long nowMicros, long rttMicros)
    {
        State = (usage, State) switch
        {
            (BandwidthUsage.Overusing, _) => RateControlState.Decrease,
            (BandwidthUsage.Underusing, _) => RateControlState.Hold,
            (BandwidthUsage.Normal, RateControlState.Hold) => RateControlState.Increase,
            (BandwidthUsage.Normal, RateControlState.Decrease) => RateControlState.Hold,
            _ => State,
        };

        long elapsed = _lastUpdateMicros == long.MinValue ? 0 : Math.Max(0, nowMicros - _lastUpdateMicros);
        long responseMicros = BaseResponseMicros + Math.Max(0, rttMicros);
        double estimate = EstimateBps;
        if (State == RateControlState.Increase)
        {
            if (_averageMaxBps > 0 && receivedBps > _averageMaxBps + (3 * Deviation()))
            {
                _averageMaxBps = -1; // the path changed: search again multiplicatively
            }

            NearConvergence = _averageMaxBps > 0;
            estimate = NearConvergence
                ? estimate + AdditiveIncrease(estimate, elapsed, responseMicros)
                : estimate * Math.Pow(Eta, Math.Min(elapsed / 1e6, 1.0));
            if (receivedBps > 0)
            {
                estimate = Math.Min(estimate, Math.Max(EstimateBps, (MaxRateOverReceived * receivedBps) + 10_000));
            }
        }
        else if (State == RateControlState.Decrease && receivedBps > 0
            && (_lastDecreaseMicros == long.MinValue || nowMicros - _lastDecreaseMicros >= responseMicros))
        {
            double decreased = Beta * receivedBps;
            if (decreased < estimate)
            {
                estimate = decreased;
            }

            RecordDecrease(receivedBps);
            _lastDecreaseMicros = nowMicros;
        }

        _lastUpdateMicros = nowMicros;
        EstimateBps = Math.Clamp((long)estimate, _minBps, _maxBps);
        return EstimateBps;
    }

    private static double AdditiveIncrease(double estimate, long elapsedMicros, long responseMicros)
    {
        double bitsPerFrame = estimate / FramesPerSecond;
        double packetsPerFrame = Math.Ceiling(bitsPerFrame / PacketBits);
        double packetBits = bitsPerFrame / packetsPerFrame;
        double alpha = 0.5 * Math.Min((double)elapsedMicros / responseMicros, 1.0);

        // The draft's floor is 1 kbps per update; at its 20 updates a second that is 20 kbps per second of elapsed time.
        double floor = MinAdditiveBpsPerSecond * Math.Min(elapsedMicros / 1e6, 1.0);
        return Math.Max(floor, alpha * packetBits);
    }

    private void RecordDecrease(long receivedBps)
    {
        if (_averageMaxBps < 0)
        {
            _averageMaxBps = receivedBps;
            _varianceMaxBps = Math.Pow(MinRelativeDeviation * receivedBps, 2);
            return;
        }

        double error = receivedBps - _averageMaxBps;
        _averageMaxBps = (AverageSmoothing * _averageMaxBps) + ((1 - AverageSmoothing) * receivedBps);
        _varianceMaxBps = (AverageSmoothing * _varianceMaxBps) + ((1 - AverageSmoothing) * error * error);
    }

    private double Deviation() => Math.Max(Math.Sqrt(_varianceMaxBps), MinRelativeDeviation * _averageMaxBps);
}

/// <summary>States of the rate controller (draft-ietf-rmcat-gcc-02 §5.5, Figure 2).</summary>
internal enum RateControlState
{
    Hold,
    Increase,
    Decrease,
}
