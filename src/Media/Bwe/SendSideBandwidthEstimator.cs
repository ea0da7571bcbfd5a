namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Send-side bandwidth estimate for one transport, GCC-like (draft-ietf-rmcat-gcc-02; Carlucci et al.):
/// the sender records every packet it stamps (<see cref="OnPacketSent"/>); each transport feedback
/// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1) turns into arrivals, which feed the delay-based chain
/// (§5.2 groups → trendline gradient → §5.4 over-use detector → §5.5 AIMD) and the loss-based controller (§6). A
/// probe cluster's measured rate (<see cref="ProbeBitrateEstimator"/>) lifts both when it is higher. The estimate is
/// min(delay-based, loss-based), clamped to the options' bounds. Times are explicit microseconds on the
/// sender's monotonic clock (arrival times stay on the receiver's clock; only their differences are used).
/// Allocation-free per packet and per feedback; not thread-safe (one per subscriber transport, on its loop).</summary>
internal sealed class SendSideBandwidthEstimator
{
    private readonly BandwidthEstimatorOptions _options;
    private readonly SendHistory _history = new();
    private readonly InterGroupDelayVariation _groups = new();
    private readonly TrendlineEstimator _trendline = new();
    private readonly OveruseDetector _detector = new();
    private readonly AcknowledgedBitrate _acknowledged = new();
    private readonly ProbeBitrateEstimator _probes = new();
    private readonly AimdRateController _delayBased;
    private readonly LossBasedController _lossBased;
    private long _referenceUnits = long.MinValue;
    private long _rttMicros = 100_000;

    public SendSideBandwidthEstimator(BandwidthEstimatorOptions? options = null)
    {
        _options = options ?? new BandwidthEstimatorOptions();
        _delayBased = new AimdRateController(_options.StartBps, _options.MinBps, _options.MaxBps);
        _lossBased = new LossBasedController(_options.StartBps);
        EstimateBps = Math.Clamp(_options.StartBps, _options.MinBps, _options.MaxBps);
    }

    public long EstimateBps { get; private set; }
    public long DelayBasedBps => _delayBased.EstimateBps;
    public long LossBasedBps => _lossBased.EstimateBps;
    public long AcknowledgedBps => _acknowledged.Bps;
    public double LossFraction => _lossBased.LastLossFraction;
    public BandwidthUsage Usage => _detector.State;
    public double ThresholdMs => _detector.ThresholdMs;

    /// <summary>The last probe cluster's measured rate, 0 before any.</summary>
    public long LastProbeBps { get; private set; }

    /// <summary>Records a packet stamped with <paramref name="transportSequence"/> as it leaves; padding of a probe
    /// cluster (<see cref="ProbeScheduler"/>) passes the cluster's id.</summary>
    public void OnPacketSent(ushort transportSequence, int sizeBytes, long sendMicros, int probeCluster = -1) =>
        _history.OnSent(transportSequence, sendMicros, sizeBytes, probeCluster, EstimateBps);

    /// <summary>Round-trip time from RTCP (RFC 3550 §6.4.1 LSR/DLSR), for the response interval of §5.5.</summary>
    public void OnRoundTripTime(long rttMicros) => _rttMicros = Math.Max(0, rttMicros);

    /// <summary>Applies one transport feedback message; false (nothing changed) when it is not one.</summary>
    public bool OnTransportFeedback(ReadOnlySpan<byte> message, long nowMicros)
    {
        if (!TransportFeedbackReader.TryParse(message, out TransportFeedbackReader feedback))
        {
            return false;
        }

        long offsetMicros = UnwrapReference(feedback.ReferenceTime) * TransportFeedbackFormat.ReferenceUnitMicros;
        long probeBps = 0;
        foreach (TransportPacketStatus status in feedback)
        {
            if (!_history.TryReport(status.Sequence, status.Received, out SentPacket sent, out FeedbackState previous))
            {
                continue;
            }

            if (previous == FeedbackState.Unreported)
            {
                _lossBased.NoteSent(sent.SizeBytes, sent.SendMicros, sent.EstimateAtSendBps);
            }

            if (!status.Received)
            {
                if (previous == FeedbackState.Unreported)
                {
                    _lossBased.OnLost();
                }

                continue;
            }

            if (previous == FeedbackState.Received)
            {
                continue;
            }

            if (previous == FeedbackState.Lost)
            {
                _lossBased.OnRecovered();
            }
            else
            {
                _lossBased.OnReceived();
            }

            long arrival = status.ArrivalMicros + offsetMicros;
            _acknowledged.OnReceived(arrival, sent.SizeBytes);
            if (sent.ProbeCluster >= 0 && _probes.TryAdd(sent.ProbeCluster, sent.SendMicros, arrival, sent.SizeBytes, out long rate))
            {
                probeBps = rate;
            }

            if (_groups.TryAdd(sent.SendMicros, arrival, out GroupDelta delta))
            {
                double trend = _trendline.Update(delta);
                _detector.Detect(trend, delta.SendDeltaMs, _trendline.SampleCount, delta.ArrivalMs);
            }
        }

        if (probeBps > 0)
        {
            LastProbeBps = probeBps;
            long raised = Math.Min(probeBps, _options.MaxBps);
            _delayBased.RaiseTo(raised);
            _lossBased.RaiseTo(raised);
        }

        long delayBased = _delayBased.Update(_detector.State, _acknowledged.Bps, nowMicros, _rttMicros);
        long lossBased = _lossBased.Update(nowMicros, delayBased, _options.MinBps, _acknowledged.Bps);
        EstimateBps = Math.Clamp(Math.Min(delayBased, lossBased), _options.MinBps, _options.MaxBps);
        return true;
    }

    /// <summary>The reader gives the 24-bit reference sign-extended; successive feedbacks are placed within half the
    /// 24-bit range of each other. Returns the correction (in 64 ms units) to add to the reader's reference.</summary>
    private long UnwrapReference(int reference)
    {
        int raw = reference & (TransportFeedbackFormat.ReferenceTimeModulus - 1);
        if (_referenceUnits == long.MinValue)
        {
            _referenceUnits = raw;
        }
        else
        {
            int previous = (int)(_referenceUnits & (TransportFeedbackFormat.ReferenceTimeModulus - 1));
            int difference = ((raw - previous) << 8) >> 8;
            _referenceUnits += difference;
        }

        return _referenceUnits - reference;
    }
}
