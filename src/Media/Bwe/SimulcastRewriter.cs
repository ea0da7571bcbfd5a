using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Keeps one subscriber's video stream continuous across simulcast layer switches (RFC 3550 §5.1: the
/// receiver sees one SSRC whose sequence numbers go up by one per packet and whose timestamps follow the media
/// clock). Each layer has its own sequence and timestamp space; at a switch the new layer's first packet is mapped
/// to the last outgoing sequence number + 1 and to the last outgoing timestamp + the wall-clock time since it, in
/// clock-rate units (at least 1). Packets of the current layer older than the switch point are dropped, so the
/// output never goes back across a switch. Edits the packet in place; allocation-free.</summary>
internal sealed class SimulcastRewriter
{
    private readonly uint _outputSsrc;
    private readonly int _clockRate;
    private bool _started;
    private ushort _sequenceOffset;
    private uint _timestampOffset;
    private ushort _switchSequence;
    private ushort _lastSequence;
    private uint _lastTimestamp;
    private long _lastMicros;

    public SimulcastRewriter(uint outputSsrc, int clockRate = 90_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        _outputSsrc = outputSsrc;
        _clockRate = clockRate;
    }

    /// <summary>Rewrites SSRC, sequence number and timestamp of a packet of the current layer; <paramref name="switched"/>
    /// is true for the first packet after a switch (from <see cref="SimulcastLayerSelector.ShouldForward"/>). False when
    /// the packet must not be sent (a straggler from before the switch, or not an RTP packet).</summary>
    public bool TryRewrite(Span<byte> packet, bool switched, long nowMicros)
    {
        if (packet.Length < 12 || (packet[0] & 0xC0) != 0x80)
        {
            return false;
        }

        ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        uint timestamp = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        bool rebase = switched || !_started;
        if (rebase)
        {
            ushort nextSequence = _started ? (ushort)(_lastSequence + 1) : sequence;
            uint nextTimestamp = timestamp;
            if (_started)
            {
                long elapsedTicks = Math.Max(1, (nowMicros - _lastMicros) * _clockRate / 1_000_000);
                nextTimestamp = unchecked(_lastTimestamp + (uint)elapsedTicks);
            }

            _sequenceOffset = unchecked((ushort)(nextSequence - sequence));
            _timestampOffset = unchecked(nextTimestamp - timestamp);
            _switchSequence = sequence;
            _started = true;
        }
        else if ((short)(sequence - _switchSequence) < 0)
        {
            return false;
        }

        ushort outSequence = unchecked((ushort)(sequence + _sequenceOffset));
        uint outTimestamp = unchecked(timestamp + _timestampOffset);
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], outSequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], outTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], _outputSsrc);
        if (rebase || (short)(outSequence - _lastSequence) > 0)
        {
            _lastSequence = outSequence;
            _lastTimestamp = outTimestamp;
            _lastMicros = nowMicros;
        }

        return true;
    }

    /// <summary>The source sequence number of the current layer behind an outgoing one the subscriber NACKs; false
    /// for a number from before the last switch or not sent yet (nothing to resend from this layer).</summary>
    public bool TryMapBack(ushort outSequence, out ushort sourceSequence)
    {
        sourceSequence = unchecked((ushort)(outSequence - _sequenceOffset));
        return _started && (short)(sourceSequence - _switchSequence) >= 0 && (short)(outSequence - _lastSequence) <= 0;
    }

    /// <summary>Rewrites a resent packet of the current layer as it went out, without moving the stream on.</summary>
    public void RewriteRepair(Span<byte> packet)
    {
        ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        uint timestamp = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], unchecked((ushort)(sequence + _sequenceOffset)));
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], unchecked(timestamp + _timestampOffset));
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], _outputSsrc);
    }

    /// <summary>A sender report's RTP timestamp of the current layer in the outgoing timestamp space (RFC 3550 §6.4.1:
    /// the receiver pairs it with the NTP time for lip sync); false before the first packet.</summary>
    public bool TryMapTimestamp(uint sourceTimestamp, out uint outTimestamp)
    {
        outTimestamp = unchecked(sourceTimestamp + _timestampOffset);
        return _started;
    }
}
