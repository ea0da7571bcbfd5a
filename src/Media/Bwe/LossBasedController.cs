namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Loss-based rate control (draft-ietf-rmcat-gcc-02 §6): over each window of at least
/// <c>minPackets</c> reported packets and <c>intervalMicros</c>, a loss fraction p above 10 % gives
/// As = As·(1 - 0.5·p), below 2 % As = 1.05·As, in between As holds. As never exceeds <c>ceilingBps</c> (the
/// delay-based estimate), so it only ever lowers the final min(As, Ar).</summary>
internal sealed class LossBasedController
{
    private const double HighLoss = 0.10;
    private const double LowLoss = 0.02;

    private readonly long _intervalMicros;
    private readonly int _minPackets;
    private long _windowStartMicros = long.MinValue;
    private int _received;
    private int _lost;

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

    /// <summary>Closes the window if it is long enough and applies the rule; returns the estimate.</summary>
    public long Update(long nowMicros, long ceilingBps, long minBps)
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
            }
            else if (loss < LowLoss)
            {
                estimate *= 1.05;
            }

            EstimateBps = (long)estimate;
            _received = 0;
            _lost = 0;
            _windowStartMicros = nowMicros;
        }

        EstimateBps = Math.Max(minBps, Math.Min(EstimateBps, ceilingBps));
        return EstimateBps;
    }
}
