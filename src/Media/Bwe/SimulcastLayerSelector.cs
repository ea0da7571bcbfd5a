namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>One simulcast layer as the selector sees it: its slot (the rid's position in the offer) and the bitrate
/// it arrived at over the last reading.</summary>
internal readonly record struct SimulcastLayerRate(int Slot, long BitrateBps);

/// <summary>Picks which simulcast layer (RFC 8853 rid streams) one subscriber receives from its bandwidth estimate.
/// Layers are passed on each reading as the publisher sends them now: the active ones, lowest first (the caller ranks
/// them by observed resolution or bitrate, not by rid order). The target goes up only to a layer whose bitrate ×
/// <c>upMargin</c> fits the estimate, and only after that has held for <c>upHoldMicros</c>; it goes down at once when
/// the estimate falls under the target's bitrate × <c>downMargin</c>; between the two it stays (hysteresis). An
/// estimate of <see cref="long.MaxValue"/> means "not limited": the top layer at once. The layer actually forwarded
/// changes only on a keyframe of the target layer (<see cref="ShouldForward"/>); until then <see cref="KeyframeWanted"/>
/// asks the caller for a PLI on the target. A target that stops being sent is replaced at the next reading. Pure
/// logic, no time source and no lock: the caller passes microseconds and serialises calls.</summary>
internal sealed class SimulcastLayerSelector(double upMargin = 1.15, double downMargin = 0.95, long upHoldMicros = 2_000_000)
{
    private long _upSinceMicros;
    private int _upCandidate = -1;

    /// <summary>The slot being forwarded, -1 before the first keyframe (and after <see cref="Restart"/>).</summary>
    public int CurrentLayer { get; private set; } = -1;

    /// <summary>The slot the estimate asks for; -1 before any layer is known (the first keyframe of any layer is then
    /// taken).</summary>
    public int TargetLayer { get; private set; } = -1;

    public bool KeyframeWanted => TargetLayer >= 0 && TargetLayer != CurrentLayer;

    /// <summary>Moves the target for a new estimate; returns the target slot.</summary>
    public int OnEstimate(ReadOnlySpan<SimulcastLayerRate> layersLowestFirst, long estimateBps, long nowMicros)
    {
        if (layersLowestFirst.IsEmpty)
        {
            return TargetLayer;
        }

        int targetRank = RankOf(layersLowestFirst, TargetLayer);
        int fitting = HighestFitting(layersLowestFirst, layersLowestFirst.Length - 1, estimateBps, upMargin);
        if (targetRank < 0 || (fitting > targetRank && estimateBps == long.MaxValue))
        {
            // No target yet, or it stopped: take what fits now. Not limited: the top at once.
            _upCandidate = -1;
            TargetLayer = layersLowestFirst[fitting].Slot;
            return TargetLayer;
        }

        if (fitting > targetRank)
        {
            int candidate = layersLowestFirst[fitting].Slot;
            if (_upCandidate != candidate)
            {
                _upCandidate = candidate;
                _upSinceMicros = nowMicros;
            }

            if (nowMicros - _upSinceMicros >= upHoldMicros)
            {
                TargetLayer = candidate;
                _upCandidate = -1;
            }

            return TargetLayer;
        }

        _upCandidate = -1;
        if (estimateBps < layersLowestFirst[targetRank].BitrateBps * downMargin)
        {
            TargetLayer = layersLowestFirst[HighestFitting(layersLowestFirst, targetRank, estimateBps, downMargin)].Slot;
        }

        return TargetLayer;
    }

    /// <summary>Per packet: whether a packet of <paramref name="slot"/> goes to this subscriber. A keyframe start on the
    /// target layer (any layer while there is no target) completes a pending switch; <paramref name="switched"/> then
    /// says the outgoing stream changes source here (the rewriter re-bases on it).</summary>
    public bool ShouldForward(int slot, bool isKeyframeStart, out bool switched)
    {
        switched = false;
        if (slot != CurrentLayer && isKeyframeStart && (slot == TargetLayer || TargetLayer < 0))
        {
            CurrentLayer = slot;
            TargetLayer = slot;
            switched = true;
        }

        return slot == CurrentLayer;
    }

    /// <summary>Forwarding stopped (the subscriber went audio only): it starts again at the target's next keyframe.</summary>
    public void Restart() => CurrentLayer = -1;

    private static int RankOf(ReadOnlySpan<SimulcastLayerRate> layers, int slot)
    {
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i].Slot == slot)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The highest rank at or under <paramref name="top"/> whose bitrate × margin fits the estimate; the
    /// lowest when none fits.</summary>
    private static int HighestFitting(ReadOnlySpan<SimulcastLayerRate> layers, int top, long estimateBps, double margin)
    {
        if (estimateBps == long.MaxValue)
        {
            return top;
        }

        for (int rank = top; rank > 0; rank--)
        {
            if (layers[rank].BitrateBps * margin <= estimateBps)
            {
                return rank;
            }
        }

        return 0;
    }
}
