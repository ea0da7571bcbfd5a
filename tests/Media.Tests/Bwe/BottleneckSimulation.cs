using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>A deterministic packet-level model of one media path, for the estimator's tests: a 30 fps sender whose
/// frames are sized by the current estimate and paced at 2.5 × the estimate, a FIFO bottleneck of a given capacity
/// (which may change over time) with a drop-tail queue, optional random loss from a seeded generator, a fixed
/// one-way delay, and a receiver running the real <see cref="TransportFeedbackBuilder"/> whose messages travel back
/// unconstrained. Time advances in 250 µs steps.</summary>
internal sealed class BottleneckSimulation
{
    private const long StepMicros = 250;
    private const long FrameMicros = 33_333;
    private const int MaxPacketBytes = 1200;

    private readonly Queue<int> _pacer = new();
    private readonly Queue<(long At, ushort Sequence)> _arrivals = new();
    private readonly Queue<(long At, byte[] Message)> _feedback = new();
    private readonly TransportFeedbackBuilder _receiver = new(senderSsrc: 1);
    private readonly byte[] _buffer = new byte[1500];
    private readonly Random _random = new(42);
    private long _now;
    private long _nextFrame;
    private long _nextPacedSend;
    private long _linkFreeAt;
    private ushort _sequence;

    public BottleneckSimulation(BandwidthEstimatorOptions options)
    {
        Estimator = new SendSideBandwidthEstimator(options);
        Estimator.OnRoundTripTime(2 * OneWayDelayMicros);
    }

    public SendSideBandwidthEstimator Estimator { get; }
    public Func<long, long> CapacityBps { get; init; } = _ => 10_000_000;
    public int QueueLimitBytes { get; init; } = 30 * MaxPacketBytes;
    public double RandomLoss { get; init; }
    public long OneWayDelayMicros { get; init; } = 20_000;
    public List<(long Micros, long EstimateBps)> Samples { get; } = [];
    public int Dropped { get; private set; }

    public void RunUntil(long untilMicros)
    {
        for (; _now < untilMicros; _now += StepMicros)
        {
            if (_now >= _nextFrame)
            {
                EnqueueFrame();
                _nextFrame += FrameMicros;
            }

            if (_pacer.Count > 0 && _now >= _nextPacedSend)
            {
                int size = _pacer.Dequeue();
                Send(size);
                _nextPacedSend = _now + (size * 8L * 1_000_000 / Math.Max(1, (long)(2.5 * Estimator.EstimateBps)));
            }

            while (_arrivals.Count > 0 && _arrivals.Peek().At <= _now)
            {
                (long at, ushort sequence) = _arrivals.Dequeue();
                _receiver.OnPacket(sequence, at, mediaSsrc: 2);
            }

            if (_receiver.IsDue(_now))
            {
                int length;
                while ((length = _receiver.WriteFeedback(_now, _buffer)) > 0)
                {
                    _feedback.Enqueue((_now + OneWayDelayMicros, _buffer[..length]));
                }
            }

            while (_feedback.Count > 0 && _feedback.Peek().At <= _now)
            {
                Assert.True(Estimator.OnTransportFeedback(_feedback.Dequeue().Message, _now));
            }

            if (_now % 100_000 == 0)
            {
                Samples.Add((_now, Estimator.EstimateBps));
            }
        }
    }

    /// <summary>Mean and maximum of the estimate over [from, to) seconds.</summary>
    public (double Mean, long Max, long Min) Between(double fromSeconds, double toSeconds)
    {
        var window = Samples.Where(s => s.Micros >= fromSeconds * 1e6 && s.Micros < toSeconds * 1e6).Select(s => s.EstimateBps).ToList();
        return (window.Average(), window.Max(), window.Min());
    }

    public long At(double seconds) => Samples.Last(s => s.Micros <= seconds * 1e6).EstimateBps;

    private void EnqueueFrame()
    {
        int frameBytes = (int)Math.Max(200, Estimator.EstimateBps / 8 / 30);
        int packets = (frameBytes + MaxPacketBytes - 1) / MaxPacketBytes;
        for (int i = 0; i < packets; i++)
        {
            _pacer.Enqueue(frameBytes / packets);
        }
    }

    private void Send(int size)
    {
        ushort sequence = _sequence++;
        Estimator.OnPacketSent(sequence, size, _now);
        if (RandomLoss > 0 && _random.NextDouble() < RandomLoss)
        {
            Dropped++;
            return;
        }

        long capacity = CapacityBps(_now);
        long queuedBytes = Math.Max(0, _linkFreeAt - _now) * capacity / 8_000_000;
        if (queuedBytes + size > QueueLimitBytes)
        {
            Dropped++;
            return;
        }

        long departure = Math.Max(_now, _linkFreeAt) + (size * 8L * 1_000_000 / capacity);
        _linkFreeAt = departure;
        _arrivals.Enqueue((departure + OneWayDelayMicros, sequence));
    }
}
