namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>The over-use detector's signal (draft-ietf-rmcat-gcc-02 §5.4).</summary>
internal enum BandwidthUsage
{
    Normal,
    Overusing,
    Underusing,
}

/// <summary>Over-use detector with adaptive threshold (draft-ietf-rmcat-gcc-02 §5.4; Carlucci et al., "Analysis
/// and design of the Google Congestion Control", §III): over-use when the delay gradient m stays above the threshold
/// γ for more than 10 ms and is not falling, under-use below -γ. γ follows |m| with gain K_u when exceeded and K_d
/// otherwise, γ += Δt · K · (|m| - γ), clamped to [6, 600] ms; samples more than 15 ms above γ do not move it.</summary>
internal sealed class OveruseDetector
{
    public const double InitialThresholdMs = 12.5;
    private const double MinThresholdMs = 6;
    private const double MaxThresholdMs = 600;
    private const double OverusingTimeThresholdMs = 10;
    private const double MaxAdaptOffsetMs = 15;
    private const double MaxThresholdStepMs = 100;

    private readonly double _gainUp;
    private readonly double _gainDown;
    private double _overusingMs = -1;
    private int _overuseCount;
    private double _previousTrend;
    private double _lastUpdateMs = double.NaN;

    /// <param name="gainUp">K_u; the draft gives 0.01.</param>
    /// <param name="gainDown">K_d; the draft gives 0.00018.</param>
    public OveruseDetector(double gainUp = 0.01, double gainDown = 0.00018)
    {
        _gainUp = gainUp;
        _gainDown = gainDown;
    }

    public double ThresholdMs { get; private set; } = InitialThresholdMs;
    public BandwidthUsage State { get; private set; } = BandwidthUsage.Normal;

    /// <param name="trend">The delay gradient m(i), in ms.</param>
    /// <param name="sendDeltaMs">Time between the groups the sample compares, for the over-use timer.</param>
    /// <param name="sampleCount">Samples behind the trend; fewer than 2 is always normal.</param>
    /// <param name="nowMs">Arrival time of the sample, for the threshold's Δt.</param>
    public BandwidthUsage Detect(double trend, double sendDeltaMs, int sampleCount, double nowMs)
    {
        if (sampleCount < 2)
        {
            return State = BandwidthUsage.Normal;
        }

        if (trend > ThresholdMs)
        {
            _overusingMs = _overusingMs < 0 ? sendDeltaMs / 2 : _overusingMs + sendDeltaMs;
            _overuseCount++;
            if (_overusingMs > OverusingTimeThresholdMs && _overuseCount > 1 && trend >= _previousTrend)
            {
                _overusingMs = 0;
                _overuseCount = 0;
                State = BandwidthUsage.Overusing;
            }
        }
        else
        {
            _overusingMs = -1;
            _overuseCount = 0;
            State = trend < -ThresholdMs ? BandwidthUsage.Underusing : BandwidthUsage.Normal;
        }

        _previousTrend = trend;
        UpdateThreshold(trend, nowMs);
        return State;
    }

    private void UpdateThreshold(double trend, double nowMs)
    {
        if (double.IsNaN(_lastUpdateMs))
        {
            _lastUpdateMs = nowMs;
        }

        double magnitude = Math.Abs(trend);
        if (magnitude > ThresholdMs + MaxAdaptOffsetMs)
        {
            _lastUpdateMs = nowMs;
            return;
        }

        double gain = magnitude < ThresholdMs ? _gainDown : _gainUp;
        double elapsed = Math.Clamp(nowMs - _lastUpdateMs, 0, MaxThresholdStepMs);
        ThresholdMs = Math.Clamp(ThresholdMs + (gain * (magnitude - ThresholdMs) * elapsed), MinThresholdMs, MaxThresholdMs);
        _lastUpdateMs = nowMs;
    }
}
