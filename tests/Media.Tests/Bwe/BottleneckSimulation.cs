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
    private readonly Queue<(long At, int Size, int Cluster)> _probePackets = new();
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

    /// <summary>What the encoder can produce at most (video paused: audio only), whatever the estimate.</summary>
    public Func<long, long> MediaLimitBps { get; init; } = _ => long.MaxValue;

    /// <summary>Probing policy: the scheduler, whether to send its initial clusters, and a target for a cluster now (0: none).</summary>
    public ProbeScheduler? Probes { get; init; }
    public bool InitialProbes { get; init; }
    public Func<long, SendSideBandwidthEstimator, long> ProbeTargetBps { get; init; } = (_, _) => 0;

    /// <summary>Called every 100 ms with the time and the estimator (to drive decisions built on the estimate).</summary>
    public Action<long, SendSideBandwidthEstimator>? Every100Ms { get; init; }
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

            if (Probes is not null)
            {
                ScheduleProbes();
            }

            while (_probePackets.Count > 0 && _probePackets.Peek().At <= _now)
            {
                (_, int size, int cluster) = _probePackets.Dequeue();
                Send(size, cluster);
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
                Every100Ms?.Invoke(_now, Estimator);
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
        int frameBytes = (int)Math.Max(150, Math.Min(Estimator.EstimateBps, MediaLimitBps(_now)) / 8 / 30);
        int packets = (frameBytes + MaxPacketBytes - 1) / MaxPacketBytes;
        for (int i = 0; i < packets; i++)
        {
            _pacer.Enqueue(frameBytes / packets);
        }
    }

    private void ScheduleProbes()
    {
        ProbeScheduler probes = Probes!;
        if (!(InitialProbes && probes.TryStartInitial(_now, Estimator.EstimateBps, out ProbeCluster cluster)))
        {
            long target = ProbeTargetBps(_now, Estimator);
            if (target <= 0 || !probes.TryStart(_now, target, out cluster))
            {
                return;
            }
        }

        for (int i = 0; i < cluster.Packets; i++)
        {
            _probePackets.Enqueue((_now + (i * cluster.SpacingMicros), cluster.PacketBytes, cluster.Id));
        }
    }

    private void Send(int size, int probeCluster = -1)
    {
        ushort sequence = _sequence++;
        Estimator.OnPacketSent(sequence, size, _now, probeCluster);
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
