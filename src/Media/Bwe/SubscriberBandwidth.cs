namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>The send side of transport-wide congestion control for one subscriber's transport, shared by every thread
/// that forwards to it: hands out the transport-wide sequence numbers the forwarder stamps (one 16-bit counter per
/// transport, draft-holmer-rmcat-transport-wide-cc-extensions-01 §2), records each packet in the estimator's send
/// history, and applies the subscriber's transport feedback. One uncontended lock per packet; nothing allocated.</summary>
internal sealed class SubscriberBandwidth
{
    private const double HighLoss = 0.10;

    /// <summary>How long a push-back keeps the path described as constrained. Without probing the estimate cannot climb
    /// past 1.5 × what is sent, so a receiver held in audio only would stay there for good once its link recovered; after
    /// this long without over-use or high loss the estimate is again read as "no known limit", video resumes, and a link
    /// that is still weak pushes back again within a second or two.</summary>
    internal const long ConstraintHoldMicros = 8_000_000;

    private readonly Lock _gate = new();
    private readonly SendSideBandwidthEstimator _estimator;
    private BandwidthTrace? _trace;
    private ushort _nextSequence;
    private long _estimateBps;
    private int _constrained;
    private long _lastPushbackMicros;
    private double _retransmissionTokens = RetransmissionBurstBytes;
    private long _retransmissionRefilledMicros = long.MinValue;

    /// <summary>Share of the estimate that retransmissions may take. Answering every NACK of a receiver behind a full
    /// bottleneck multiplies the overload: the browser benchmark at 300 kbit recorded 3.6 Mbps sent toward the receiver
    /// (0.6 Mbps of media, the rest resends of packets the queue had dropped), 85 % loss, and an estimate at its floor.</summary>
    internal const double RetransmissionShare = 0.25;

    /// <summary>The retransmission budget's least depth: two full packets (else 250 ms of its rate).</summary>
    internal const int RetransmissionBurstBytes = 2 * 1_300;

    private const long RetransmissionDepthMicros = 250_000;

    private const long RetransmissionFloorBps = 100_000;

    public SubscriberBandwidth(BandwidthEstimatorOptions? options = null, BandwidthTrace? trace = null)
    {
        _estimator = new SendSideBandwidthEstimator(options);
        _trace = trace;
    }

    /// <summary>Ends the diagnostic trace, if any (the session closed).</summary>
    public void CloseTrace()
    {
        lock (_gate)
        {
            _trace?.Dispose();
            _trace = null;
        }
    }

    /// <summary>Keeps forwarded video within the estimate while the path is constrained (<see cref="VideoRateGate"/>).</summary>
    public VideoRateGate VideoGate { get; } = new();

    /// <summary>The estimate after the last transport feedback, in bits per second; 0 before the first.</summary>
    public long EstimateBps => Volatile.Read(ref _estimateBps);

    /// <summary>True while the path has pushed back in the last <see cref="ConstraintHoldMicros"/> (the delay detector saw
    /// over-use, or a loss window lost more than the 10 % at which the loss-based controller cuts, draft-ietf-rmcat-gcc-02
    /// §6): then the estimate describes the path, not only what was sent, and may cap the publishers this subscriber
    /// receives, rate its connection and pause its video.
    /// Before that it is bounded by what the publishers chose to send, and capping them with it would only slow their
    /// own ramp-up.</summary>
    public bool IsConstrained => Volatile.Read(ref _constrained) != 0;

    /// <summary>While set, the constraint does not lapse with time (<see cref="ConstraintHoldMicros"/>): the plane sets it
    /// while it probes a receiver held in audio only, so only a probe that gets through lifts the estimate (and the
    /// pause), not the mere absence of push-back while little is sent.</summary>
    public bool HoldConstraint
    {
        get => Volatile.Read(ref _holdConstraint) != 0;
        set => Volatile.Write(ref _holdConstraint, value ? 1 : 0);
    }

    private int _holdConstraint;

    /// <summary>How long packets may go out with no transport feedback since before the feedback is called missing. A
    /// browser returns feedback every 50–100 ms; a second without any, while packets go out, means the path toward the
    /// subscriber or back from it is clogged (in the browser benchmark "both at 100 kbit" each side's feedback waited up
    /// to 3 s in a queue behind the other side's video), and the estimate, which only feedback moves, is blind.</summary>
    internal const long FeedbackMissingAfterMicros = 1_000_000;

    /// <summary>After this long without feedback the video goes again whatever: the hold must not outlive a receiver that
    /// reports only what it gets (Firefox stamps no audio), nor a path that recovered while nothing stamped went out.</summary>
    internal const long FeedbackMissingHoldMicros = 3_000_000;

    private long _firstUnreportedMicros;
    private int _videoHeldForMissingFeedback;

    /// <summary>True while packets have gone out for <see cref="FeedbackMissingAfterMicros"/> (and less than
    /// <see cref="FeedbackMissingHoldMicros"/>) with no transport feedback since: the forwarder then holds this
    /// subscriber's video back, its audio goes on. One volatile read; any thread.</summary>
    public bool IsFeedbackMissing(long nowMicros)
    {
        long since = Volatile.Read(ref _firstUnreportedMicros);
        return since != 0 && nowMicros - since >= FeedbackMissingAfterMicros && nowMicros - since < FeedbackMissingHoldMicros;
    }

    /// <summary>The forwarder held video back for missing feedback: the next feedback should bring a keyframe request.</summary>
    public void NoteVideoHeldForMissingFeedback() => Volatile.Write(ref _videoHeldForMissingFeedback, 1);

    /// <summary>True once after video was held back for missing feedback (and clears it).</summary>
    public bool TakeVideoHeldForMissingFeedback() => Interlocked.Exchange(ref _videoHeldForMissingFeedback, 0) != 0;

    /// <summary>The next transport-wide sequence number, recorded as sent now with <paramref name="sizeBytes"/>
    /// (padding of probe cluster <paramref name="probeCluster"/>, or media: -1).</summary>
    public ushort OnSending(int sizeBytes, long nowMicros, int probeCluster = -1)
    {
        lock (_gate)
        {
            ushort sequence = _nextSequence++;
            if (_firstUnreportedMicros == 0)
            {
                Volatile.Write(ref _firstUnreportedMicros, Math.Max(1, nowMicros));
            }

            _estimator.OnPacketSent(sequence, sizeBytes, nowMicros, probeCluster);
            _trace?.Sent(sequence, sizeBytes, nowMicros);
            return sequence;
        }
    }

    /// <summary>Takes <paramref name="sizeBytes"/> from the retransmission budget (a token bucket refilled at
    /// <see cref="RetransmissionShare"/> of the estimate, at least of 100 kbps, holding 250 ms of it); false when it is spent and the resend
    /// should not go.</summary>
    public bool TryTakeRetransmission(int sizeBytes, long nowMicros)
    {
        lock (_gate)
        {
            if (_retransmissionRefilledMicros != long.MinValue)
            {
                long elapsed = Math.Max(0, nowMicros - _retransmissionRefilledMicros);
                double rateBytesPerMicro = RetransmissionShare * Math.Max(RetransmissionFloorBps, _estimator.EstimateBps) / 8e6;
                double depth = Math.Max(RetransmissionBurstBytes, RetransmissionDepthMicros * rateBytesPerMicro);
                _retransmissionTokens = Math.Min(depth, _retransmissionTokens + (elapsed * rateBytesPerMicro));
            }

            _retransmissionRefilledMicros = nowMicros;
            if (_retransmissionTokens < sizeBytes)
            {
                return false;
            }

            _retransmissionTokens -= sizeBytes;
            return true;
        }
    }

    /// <summary>Applies one transport feedback message (RTPFB FMT 15) from the subscriber; false when it is not one.</summary>
    public bool OnTransportFeedback(ReadOnlySpan<byte> message, long nowMicros)
    {
        lock (_gate)
        {
            if (!_estimator.OnTransportFeedback(message, nowMicros))
            {
                return false;
            }

            Volatile.Write(ref _firstUnreportedMicros, 0);

            if (_estimator.Usage == BandwidthUsage.Overusing || _estimator.LossFraction > HighLoss)
            {
                _lastPushbackMicros = nowMicros;
                Volatile.Write(ref _constrained, 1);
            }
            else if (!HoldConstraint && _lastPushbackMicros != 0 && nowMicros - _lastPushbackMicros > ConstraintHoldMicros)
            {
                Volatile.Write(ref _constrained, 0);
            }

            Volatile.Write(ref _estimateBps, _estimator.EstimateBps);
            VideoGate.SetEstimate(_estimator.EstimateBps, IsConstrained, nowMicros);
            _trace?.Feedback(message, nowMicros, _estimator, IsConstrained);
            return true;
        }
    }

    /// <summary>Round-trip time to the subscriber, for the estimator's response interval.</summary>
    public void OnRoundTripTime(long rttMicros)
    {
        lock (_gate)
        {
            _estimator.OnRoundTripTime(rttMicros);
        }
    }
}
