namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Picks which simulcast layer (RFC 8853 rid streams, lowest first) one subscriber receives from its
/// bandwidth estimate. The target goes up only to a layer whose bitrate × <c>upMargin</c> fits the estimate and only
/// after that has held for <c>upHoldMicros</c>; it goes down at once when the estimate falls under the current
/// layer's bitrate × <c>downMargin</c>; between the two it stays (hysteresis). The layer actually forwarded changes
/// only on a keyframe of the target layer (<see cref="ShouldForward"/>); until then <see cref="KeyframeWanted"/>
/// asks the caller for a PLI on the target. Layers the publisher stopped sending are skipped. Pure logic, no time
/// source: the caller passes microseconds.</summary>
internal sealed class SimulcastLayerSelector
{
    private readonly long[] _bitrates;
    private readonly bool[] _active;
    private readonly double _upMargin;
    private readonly double _downMargin;
    private readonly long _upHoldMicros;
    private long _upSinceMicros = long.MinValue;
    private int _upCandidate = -1;

    /// <param name="layerBitratesBps">Each layer's bitrate, lowest layer first.</param>
    public SimulcastLayerSelector(ReadOnlySpan<long> layerBitratesBps, double upMargin = 1.15, double downMargin = 0.95, long upHoldMicros = 2_000_000)
    {
        if (layerBitratesBps.IsEmpty)
        {
            throw new ArgumentException("A simulcast track has at least one layer.", nameof(layerBitratesBps));
        }

        for (int i = 1; i < layerBitratesBps.Length; i++)
        {
            if (layerBitratesBps[i] <= layerBitratesBps[i - 1])
            {
                throw new ArgumentException("Layers are given lowest bitrate first.", nameof(layerBitratesBps));
            }
        }

        _bitrates = layerBitratesBps.ToArray();
        _active = new bool[_bitrates.Length];
        Array.Fill(_active, true);
        _upMargin = upMargin;
        _downMargin = downMargin;
        _upHoldMicros = upHoldMicros;
    }

    public int LayerCount => _bitrates.Length;

    /// <summary>The layer being forwarded, -1 before the first keyframe.</summary>
    public int CurrentLayer { get; private set; } = -1;

    /// <summary>The layer the estimate asks for.</summary>
    public int TargetLayer { get; private set; }

    public bool KeyframeWanted => TargetLayer != CurrentLayer;

    /// <summary>The publisher started or stopped sending a layer (no packets for a while, or a new one).</summary>
    public void SetLayerActive(int layer, bool active)
    {
        _active[layer] = active;
        if (!active && TargetLayer == layer)
        {
            TargetLayer = HighestActiveAtMost(layer);
        }
    }

    /// <summary>Moves the target for a new estimate; returns the target.</summary>
    public int OnEstimate(long estimateBps, long nowMicros)
    {
        int fitting = HighestFitting(_bitrates.Length - 1, estimateBps, _upMargin);
        if (fitting > TargetLayer)
        {
            if (_upCandidate != fitting)
            {
                _upCandidate = fitting;
                _upSinceMicros = nowMicros;
            }

            if (nowMicros - _upSinceMicros >= _upHoldMicros)
            {
                TargetLayer = fitting;
                _upCandidate = -1;
            }

            return TargetLayer;
        }

        _upCandidate = -1;
        if (!_active[TargetLayer] || estimateBps < _bitrates[TargetLayer] * _downMargin)
        {
            TargetLayer = HighestFitting(TargetLayer, estimateBps, _downMargin);
        }

        return TargetLayer;
    }

    /// <summary>Per packet: whether a packet of <paramref name="layer"/> goes to this subscriber. A keyframe start
    /// on the target layer completes a pending switch; <paramref name="switched"/> then says the outgoing stream
    /// changes source here (the rewriter re-bases on it).</summary>
    public bool ShouldForward(int layer, bool isKeyframeStart, out bool switched)
    {
        switched = false;
        if (layer == TargetLayer && layer != CurrentLayer && isKeyframeStart)
        {
            CurrentLayer = layer;
            switched = true;
        }

        return layer == CurrentLayer;
    }

    /// <summary>The highest active layer at or under <paramref name="top"/> whose bitrate × margin fits the estimate;
    /// the lowest active layer when none fits.</summary>
    private int HighestFitting(int top, long estimateBps, double margin)
    {
        for (int layer = top; layer >= 0; layer--)
        {
            if (_active[layer] && _bitrates[layer] * margin <= estimateBps)
            {
                return layer;
            }
        }

        return LowestActive();
    }

    private int HighestActiveAtMost(int top)
    {
        for (int layer = top; layer >= 0; layer--)
        {
            if (_active[layer])
            {
                return layer;
            }
        }

        return LowestActive();
    }

    private int LowestActive()
    {
        for (int layer = 0; layer < _bitrates.Length; layer++)
        {
            if (_active[layer])
            {
                return layer;
            }
        }

        return 0;
    }
}
