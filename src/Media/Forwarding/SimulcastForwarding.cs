using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>The simulcast state of one down track: which layer the subscriber gets (<see cref="SimulcastLayerSelector"/>)
/// and the rewrite that makes the layers one stream on one SSRC (<see cref="SimulcastRewriter"/>). The receive loop
/// (packets, NACKs, sender reports) and the periodic work (estimates) share it under a lock held for a few field
/// reads and writes.</summary>
internal sealed class SimulcastForwarding(uint outputSsrc)
{
    private readonly Lock _gate = new();
    private readonly SimulcastLayerSelector _selector = new();
    private readonly SimulcastRewriter _rewriter = new(outputSsrc);

    /// <summary>The slot being forwarded, or -1.</summary>
    public int CurrentLayer
    {
        get
        {
            lock (_gate)
            {
                return _selector.CurrentLayer;
            }
        }
    }

    /// <summary>The slot the subscriber should get, or -1 before any layer is known.</summary>
    public int TargetLayer
    {
        get
        {
            lock (_gate)
            {
                return _selector.TargetLayer;
            }
        }
    }

    /// <summary>The target slot while a switch waits for its keyframe (the caller sends a PLI for it), else -1.</summary>
    public int KeyframeWantedLayer
    {
        get
        {
            lock (_gate)
            {
                return _selector.KeyframeWanted ? _selector.TargetLayer : -1;
            }
        }
    }

    /// <summary>Per packet of layer <paramref name="slot"/>, copied for this subscriber: true (and the copy rewritten)
    /// when it goes out; a switch happens only at a keyframe start of the target layer.</summary>
    public bool TryPrepare(int slot, Span<byte> packet, bool isKeyframeStart, long nowMicros)
    {
        lock (_gate)
        {
            return _selector.ShouldForward(slot, isKeyframeStart, out bool switched) && _rewriter.TryRewrite(packet, switched, nowMicros);
        }
    }

    /// <summary>Whether a packet of <paramref name="slot"/> would go out now, without taking it (no switch happens).</summary>
    public bool Forwards(int slot)
    {
        lock (_gate)
        {
            return slot == _selector.CurrentLayer;
        }
    }

    public int OnEstimate(ReadOnlySpan<SimulcastLayerRate> layersLowestFirst, long estimateBps, long nowMicros)
    {
        lock (_gate)
        {
            return _selector.OnEstimate(layersLowestFirst, estimateBps, nowMicros);
        }
    }

    /// <summary>The subscriber takes no video for now: forwarding starts again, continuous, at the next keyframe.</summary>
    public void Restart()
    {
        lock (_gate)
        {
            _selector.Restart();
        }
    }

    /// <summary>For a NACKed outgoing sequence number: the layer and its own sequence number to resend from.</summary>
    public bool TryMapBack(ushort outSequence, out int slot, out ushort sourceSequence)
    {
        lock (_gate)
        {
            slot = _selector.CurrentLayer;
            sourceSequence = 0;
            return slot >= 0 && _rewriter.TryMapBack(outSequence, out sourceSequence);
        }
    }

    /// <summary>Rewrites a resent packet of <paramref name="slot"/> as it first went out; false when the layer is no
    /// longer the one forwarded.</summary>
    public bool TryRewriteRepair(int slot, Span<byte> packet)
    {
        lock (_gate)
        {
            if (slot != _selector.CurrentLayer)
            {
                return false;
            }

            _rewriter.RewriteRepair(packet);
            return true;
        }
    }

    /// <summary>A sender report of layer <paramref name="slot"/> in the outgoing timestamp space, when that layer is
    /// the one forwarded.</summary>
    public bool TryMapSenderReport(int slot, uint rtpTimestamp, out uint mapped)
    {
        lock (_gate)
        {
            mapped = 0;
            return slot == _selector.CurrentLayer && _rewriter.TryMapTimestamp(rtpTimestamp, out mapped);
        }
    }
}
