using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Srtp;
using Doctolib.Telehealth.Media.Transport;

namespace Doctolib.Telehealth.Media.Forwarding;

// Loss repair and probing toward receivers: NACK answers (on RTX where negotiated), keyframe requests to
// publishers, and padding probes.
internal sealed partial class RtpForwarder
{
    /// <summary>Answers a receiver's NACK item (RFC 4585 §6.2.1: a packet id and a bitmask of the 16 after it): resends
    /// each listed packet still in the track's buffer, on the receiver's RTX stream when it has one; a packet at most once
    /// per 100 ms per receiver, and within the receiver's retransmission budget
    /// (<see cref="SubscriberBandwidth.TryTakeRetransmission"/>) when it negotiated transport-cc.</summary>
    public void Retransmit(DownTrack downTrack, ushort sequence, ushort bitmask)
    {
        if (downTrack.Simulcast is { } simulcast)
        {
            RetransmitLayer(downTrack, simulcast, sequence, bitmask);
            return;
        }

        RetransmissionBuffer? buffer = downTrack.Source.Retransmissions;
        if (buffer is null)
        {
            return;
        }

        byte[] packet = RepairScratch;
        long now = _time.GetTimestamp();
        for (int bit = -1; bit < 16; bit++)
        {
            if (bit >= 0 && (bitmask & (1 << bit)) == 0)
            {
                continue;
            }

            ushort wanted = (ushort)(sequence + bit + 1);
            if (downTrack.WasSkipped(wanted, now, _time.TimestampFrequency))
            {
                continue;
            }

            int length = buffer.TryCopy(wanted, packet.AsSpan(0, UdpMediaSocket.MaxDatagram));
            if (length == 0 || !downTrack.TryNoteResend(wanted, now, _time.TimestampFrequency))
            {
                continue;
            }

            if (downTrack.Receiver.Downlink is { } downlink && !downlink.TryTakeRetransmission(length, BweClock.Micros(_time)))
            {
                return; // the budget is spent: the rest of this NACK waits for the receiver's next one
            }

            if ((downTrack.Map.HasRetransmission ? SendRtx(downTrack, packet.AsSpan(0, length)) : SendTo(downTrack, packet.AsSpan(0, length))))
            {
                _counters.Retransmitted();
            }
        }
    }

    /// <summary>A NACK on a simulcast down track: the outgoing numbers are mapped back to the layer forwarded now, and the
    /// stored packets resent as they first went out.</summary>
    private void RetransmitLayer(DownTrack downTrack, SimulcastForwarding simulcast, ushort sequence, ushort bitmask)
    {
        byte[] packet = RepairScratch;
        for (int bit = -1; bit < 16; bit++)
        {
            if (bit >= 0 && (bitmask & (1 << bit)) == 0)
            {
                continue;
            }

            ushort wanted = (ushort)(sequence + bit + 1);
            if (!simulcast.TryMapBack(wanted, out int slot, out ushort source)
                || downTrack.Source.Simulcast?.Layer(slot)?.Retransmissions is not { } buffer)
            {
                continue;
            }

            int length = buffer.TryCopy(source, packet.AsSpan(0, UdpMediaSocket.MaxDatagram));
            if (length <= 0 || !simulcast.TryRewriteRepair(slot, packet.AsSpan(0, length)))
            {
                continue;
            }

            if (downTrack.Map.HasRetransmission ? SendRtx(downTrack, packet.AsSpan(0, length)) : SendRepaired(downTrack, packet.AsSpan(0, length)))
            {
                _counters.Retransmitted();
            }
        }
    }

    /// <summary>Sends an already rewritten (simulcast) retransmission plainly, for a receiver without RTX.</summary>
    private bool SendRepaired(DownTrack downTrack, Span<byte> packet)
    {
        SrtpSession? srtp = downTrack.Receiver.Srtp;
        MediaPath? path = downTrack.Receiver.Path;
        if (srtp is null || path is null)
        {
            return false;
        }

        if (!downTrack.Map.IsIdentity && !RtpRewriter.TryRewrite(packet, downTrack.Map))
        {
            _counters.RtpDroppedOne();
            return false;
        }

        return ProtectAndSend(downTrack, srtp, path, packet);
    }

    /// <summary>Resends a stored packet on the receiver's RTX stream (RFC 4588 §4): rewritten for the receiver first,
    /// then wrapped with the RTX payload type of the receiver's payload type, the track's server RTX SSRC, and the next
    /// sequence number of that stream, the original sequence number leading the payload. A payload type without RTX
    /// goes out plainly.</summary>
    private bool SendRtx(DownTrack downTrack, Span<byte> original)
    {
        IForwardingPeer receiver = downTrack.Receiver;
        SrtpSession? srtp = receiver.Srtp;
        MediaPath? path = receiver.Path;
        if (srtp is null || path is null || original.Length + RtxPacket.OsnLength > UdpMediaSocket.MaxDatagram)
        {
            return false;
        }

        if (!downTrack.Map.IsIdentity && !RtpRewriter.TryRewrite(original, downTrack.Map))
        {
            _counters.RtpDroppedOne();
            return false;
        }

        byte rtxPayloadType = downTrack.Map.RetransmissionPayloadTypeFor(original[1] & 0x7F);
        if (rtxPayloadType == RtpRewriteMap.NoPayloadType)
        {
            return ProtectAndSend(downTrack, srtp, path, original);
        }

        byte[] scratch = Scratch;
        if (!RtxPacket.TryWrap(original, scratch.AsSpan(0, UdpMediaSocket.MaxDatagram), downTrack.Source.ServerRtxSsrc,
            downTrack.NextRtxSequence(), rtxPayloadType, out int written))
        {
            _counters.RtpDroppedOne();
            return false;
        }

        return ProtectAndSend(downTrack, srtp, path, scratch.AsSpan(0, written));
    }

    /// <summary>Asks the publisher of a track for a keyframe (PLI), at most every 300 ms unless forced.</summary>
    public void RequestKeyframe(PublishedTrack track, bool force)
    {
        if (track.Simulcast is { } group)
        {
            // The subscribers' track has no SSRC of the publisher's: each layer is asked.
            for (int slot = 0; slot < group.LayerCount; slot++)
            {
                if (group.Layer(slot) is { } layer)
                {
                    RequestKeyframe(layer, force);
                }
            }

            return;
        }

        long now = _time.GetTimestamp();
        if (!force && now - track.LastKeyframeRequestAt < _keyframeSpacingTicks)
        {
            return;
        }

        track.LastKeyframeRequestAt = now;
        IForwardingPeer publisher = track.Publisher;
        Span<byte> pli = stackalloc byte[RtcpPictureLossIndication.Length];
        int length = RtcpPictureLossIndication.Write(pli, publisher.ServerSsrc, track.Ssrc);
        if (SendRtcp(publisher, pli.Slice(0, length)))
        {
            _counters.KeyframeRequestForwarded();
        }
    }

    /// <summary>Sends one padding-only probe packet (<see cref="PaddingProbe"/>) of cluster <paramref name="probeCluster"/>
    /// to the receiver of <paramref name="downTrack"/>, on the track's server RTX stream, stamped and recorded in the
    /// receiver's estimate. False (nothing sent) unless the receiver negotiated transport-cc on that section and RTX:
    /// padding goes to no other receiver. <paramref name="buffer"/> holds at least 1,500 bytes; any thread.</summary>
    public bool SendPadding(DownTrack downTrack, int probeCluster, int paddingBytes, Span<byte> buffer)
    {
        IForwardingPeer receiver = downTrack.Receiver;
        SrtpSession? srtp = receiver.Srtp;
        MediaPath? path = receiver.Path;
        byte rtxPayloadType = downTrack.Map.FirstRetransmissionPayloadType;
        if (srtp is null || path is null || downTrack.TransportWideCcId == 0 || receiver.Downlink is not { } downlink
            || rtxPayloadType == RtpRewriteMap.NoPayloadType || buffer.Length < UdpMediaSocket.MaxDatagram)
        {
            return false;
        }

        int length = PaddingProbe.Length(paddingBytes);
        Span<byte> plain = buffer[..length];
        Span<byte> output = buffer[length..];
        ushort sequence = downlink.OnSending(length + srtp.RtpOverhead, BweClock.Micros(_time), probeCluster);
        PaddingProbe.Write(plain, downTrack.Source.ServerRtxSsrc, downTrack.NextRtxSequence(), rtxPayloadType, timestamp: 0,
            downTrack.TransportWideCcId, sequence, paddingBytes);
        if (!srtp.TryProtectRtp(plain, output, out int written))
        {
            return false;
        }

        path.Send(output[..written]);
        return true;
    }
}
