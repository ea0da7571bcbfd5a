namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>One probe cluster to send: <see cref="Packets"/> padding packets (<see cref="PaddingProbe"/>) of
/// <see cref="PacketBytes"/> each, <see cref="SpacingMicros"/> apart, so the train runs at <see cref="TargetBps"/>.</summary>
internal readonly record struct ProbeCluster(int Id, long TargetBps, int Packets, int PacketBytes, long SpacingMicros);

/// <summary>When to probe a subscriber's path above what media fills: at the start, two clusters at 3× and 6× the
/// start rate (a fast first climb instead of 8 % a second); later, on request (video paused, or the sender is
/// application-limited), at most one cluster per <c>intervalMicros</c>. Results come back through the estimator
/// (<see cref="SendSideBandwidthEstimator.OnPacketSent"/> with the cluster id). Pure logic.</summary>
internal sealed class ProbeScheduler
{
    private readonly long _intervalMicros;
    private readonly int _packets;
    private readonly int _packetBytes;
    private int _nextId;
    private int _initialSent;
    private long _lastMicros = long.MinValue;

    public ProbeScheduler(long intervalMicros = 2_000_000, int packets = 10, int packetBytes = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(packets, 5);
        _intervalMicros = intervalMicros;
        _packets = packets;
        _packetBytes = packetBytes;
    }

    /// <summary>The initial clusters, 1 s apart: 3× then 6× <paramref name="startBps"/>.</summary>
    public bool TryStartInitial(long nowMicros, long startBps, out ProbeCluster cluster)
    {
        cluster = default;
        if (_initialSent >= 2 || (_lastMicros != long.MinValue && nowMicros - _lastMicros < 1_000_000))
        {
            return false;
        }

        cluster = Create(nowMicros, startBps * (_initialSent == 0 ? 3 : 6));
        _initialSent++;
        return true;
    }

    /// <summary>A cluster at <paramref name="targetBps"/> if the interval since the last one has passed.</summary>
    public bool TryStart(long nowMicros, long targetBps, out ProbeCluster cluster)
    {
        cluster = default;
        if (_lastMicros != long.MinValue && nowMicros - _lastMicros < _intervalMicros)
        {
            return false;
        }

        cluster = Create(nowMicros, targetBps);
        return true;
    }

    private ProbeCluster Create(long nowMicros, long targetBps)
    {
        _lastMicros = nowMicros;
        long spacing = Math.Max(1, _packetBytes * 8L * 1_000_000 / Math.Max(1, targetBps));
        return new ProbeCluster(_nextId++, targetBps, _packets, _packetBytes, spacing);
    }
}
