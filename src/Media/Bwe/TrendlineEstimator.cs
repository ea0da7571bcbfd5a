namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Delay gradient from inter-group delay variations: the accumulated variation is smoothed and the slope of
/// a least-squares line through the last <c>window</c> (arrival time, smoothed delay) points estimates how fast the
/// bottleneck queue grows (ms of queue per ms). It stands in for the Kalman filter of draft-ietf-rmcat-gcc-02 §5.3,
/// as later GCC versions do; the output is scaled (slope × min(samples, 60) × gain) so the adaptive threshold of
/// §5.4 applies in milliseconds. Allocation-free.</summary>
internal sealed class TrendlineEstimator
{
    private const int MaxSampleWeight = 60;

    private readonly double[] _x;
    private readonly double[] _y;
    private readonly double _smoothing;
    private readonly double _gain;
    private int _count;
    private int _next;
    private double _firstArrivalMs = double.NaN;
    private double _accumulatedMs;
    private double _smoothedMs;

    public TrendlineEstimator(int window = 20, double smoothing = 0.9, double gain = 4.0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 2);
        _x = new double[window];
        _y = new double[window];
        _smoothing = smoothing;
        _gain = gain;
    }

    /// <summary>Samples seen so far (capped), the weight the trend gets.</summary>
    public int SampleCount { get; private set; }

    /// <summary>The scaled trend, comparable with the detector's threshold in ms; 0 until the window is full.</summary>
    public double ModifiedTrend { get; private set; }

    public double Update(in GroupDelta delta)
    {
        if (double.IsNaN(_firstArrivalMs))
        {
            _firstArrivalMs = delta.ArrivalMs;
        }

        SampleCount = Math.Min(SampleCount + 1, 1000);
        _accumulatedMs += delta.DelayVariationMs;
        _smoothedMs = (_smoothing * _smoothedMs) + ((1 - _smoothing) * _accumulatedMs);

        _x[_next] = delta.ArrivalMs - _firstArrivalMs;
        _y[_next] = _smoothedMs;
        _next = (_next + 1) % _x.Length;
        _count = Math.Min(_count + 1, _x.Length);

        if (_count == _x.Length && TrySlope(out double slope))
        {
            ModifiedTrend = Math.Min(SampleCount, MaxSampleWeight) * slope * _gain;
        }

        return ModifiedTrend;
    }

    private bool TrySlope(out double slope)
    {
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < _count; i++)
        {
            meanX += _x[i];
            meanY += _y[i];
        }

        meanX /= _count;
        meanY /= _count;
        double numerator = 0;
        double denominator = 0;
        for (int i = 0; i < _count; i++)
        {
            double dx = _x[i] - meanX;
            numerator += dx * (_y[i] - meanY);
            denominator += dx * dx;
        }

        slope = denominator > 0 ? numerator / denominator : 0;
        return denominator > 0;
    }
}
