using System.Buffers.Binary;
using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Srtp;
using Doctolib.Telehealth.Media.Transport;

namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>Sends one publisher's decrypted RTP to each of its receivers, renumbered for its negotiation, stamped with
/// the receiver's own transport-wide sequence number when it negotiated transport-cc, and re-encrypted with its keys;
/// answers NACKs from the retransmission buffer (on the receiver's RTX stream when it negotiated RTX); passes keyframe
/// requests and sender reports along. Scratch buffers are per thread, so nothing is allocated per packet.</summary>
internal sealed class RtpForwarder
{
    private const int ScratchBytes = UdpMediaSocket.MaxDatagram + 64;
    private static readonly long KeyframeRequestSpacingMs = 300;

    [ThreadStatic]
    private static byte[]? t_scratch;

    [ThreadStatic]
    private static byte[]? t_stamp;

    [ThreadStatic]
    private static byte[]? t_repair;

    private readonly MediaCounters _counters;
    private readonly TimeProvider _time;
    private readonly long _keyframeSpacingTicks;

    public RtpForwarder(MediaCounters counters, TimeProvider time)
    {
        _counters = counters;
        _time = time;
        _keyframeSpacingTicks = KeyframeRequestSpacingMs * time.TimestampFrequency / 1000;
    }

    private static byte[] Scratch => t_scratch ??= GC.AllocateArray<byte>(ScratchBytes, pinned: true);

    private static byte[] StampScratch => t_stamp ??= GC.AllocateArray<byte>(ScratchBytes, pinned: true);

    private static byte[] RepairScratch => t_repair ??= GC.AllocateArray<byte>(ScratchBytes, pinned: true);

    /// <summary>Sends a publisher's packet to every subscriber of its track; returns how many it went out to.</summary>
    public int Forward(PublishedTrack track, ReadOnlySpan<byte> plain)
    {
        if (track.LayerOf is { } group)
        {
            return ForwardLayer(group, track, plain);
        }

        DownTrack[] subscribers = track.Subscribers;
        int sent = 0;
        for (int i = 0; i < subscribers.Length; i++)
        {
            if (SendTo(subscribers[i], plain))
            {
                sent++;
            }
        }

        return sent;
    }

    /// <summary>Sends a simulcast layer's packet to each subscriber of its group that takes this layer now (a switch
    /// to it happens only at its keyframe start), rewritten to the subscriber's one continuous stream.</summary>
    private int ForwardLayer(SimulcastGroup group, PublishedTrack layer, ReadOnlySpan<byte> plain)
    {
        DownTrack[] subscribers = group.Owner.Subscribers;
        if (subscribers.Length == 0 || !RtpHeader.TryParse(plain, out RtpHeader header) || plain.Length > UdpMediaSocket.MaxDatagram)
        {
            return 0;
        }

        bool keyframe = group.IsKeyframeStart(layer, plain, header);
        long nowMicros = BweClock.Micros(_time);
        int sent = 0;
        for (int i = 0; i < subscribers.Length; i++)
        {
            DownTrack downTrack = subscribers[i];
            IForwardingPeer receiver = downTrack.Receiver;
            SrtpSession? srtp = receiver.Srtp;
            MediaPath? path = receiver.Path;
            if (downTrack.Simulcast is not { } simulcast || srtp is null || path is null)
            {
                continue;
            }

            if (receiver.VideoPaused || FeedbackMissing(receiver, nowMicros))
            {
                simulcast.Restart(); // audio only: video comes back, continuous, at a keyframe
                continue;
            }

            if (receiver.Downlink is { } downlink && !downTrack.Frames.Admit(header.Timestamp, keyframe, downlink.VideoGate, nowMicros, out _))
            {
                simulcast.Restart(); // over the receiver's estimate: back at a keyframe of its layer (its selector asks for one)
                continue;
            }

            Span<byte> packet = Scratch.AsSpan(0, plain.Length);
            plain.CopyTo(packet);
            if (!simulcast.TryPrepare(layer.LayerSlot, packet, keyframe, nowMicros))
            {
                continue;
            }

            if (!downTrack.Map.IsIdentity && !RtpRewriter.TryRewrite(packet, downTrack.Map))
            {
                _counters.RtpDroppedOne();
                continue;
            }

            if (ProtectAndSend(downTrack, srtp, path, packet))
            {
                sent++;
            }
        }

        return sent;
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

    /// <summary>Passes a publisher's sender report (sender info only) to its receivers, for their lip sync.</summary>
    public void ForwardSenderReport(PublishedTrack track, RtcpSenderReport report)
    {
        if (track.LayerOf is { } group)
        {
            ForwardLayerSenderReport(group, track, report);
            return;
        }

        Span<byte> trimmed = stackalloc byte[RtcpSenderReport.SenderInfoLength];
        RtcpSenderReport.Write(trimmed, report.SenderSsrc, report.NtpTimestamp, report.RtpTimestamp, report.PacketCount,
            report.OctetCount, []);
        DownTrack[] subscribers = track.Subscribers;
        for (int i = 0; i < subscribers.Length; i++)
        {
            SendRtcp(subscribers[i].Receiver, trimmed);
        }
    }

    /// <summary>A layer's sender report goes to the subscribers that get that layer now, on their stream's SSRC and in
    /// its timestamp space; the owner keeps its time for their receiver reports' round trips.</summary>
    private void ForwardLayerSenderReport(SimulcastGroup group, PublishedTrack layer, RtcpSenderReport report)
    {
        Span<byte> trimmed = stackalloc byte[RtcpSenderReport.SenderInfoLength];
        DownTrack[] subscribers = group.Owner.Subscribers;
        bool forwarded = false;
        for (int i = 0; i < subscribers.Length; i++)
        {
            if (subscribers[i].Simulcast is { } simulcast && simulcast.TryMapSenderReport(layer.LayerSlot, report.RtpTimestamp, out uint timestamp))
            {
                RtcpSenderReport.Write(trimmed, group.Owner.Ssrc, report.NtpTimestamp, timestamp, report.PacketCount, report.OctetCount, []);
                forwarded |= SendRtcp(subscribers[i].Receiver, trimmed);
            }
        }

        if (forwarded)
        {
            group.Owner.LastSenderReportNtp = report.CompactNtp;
            group.Owner.LastSenderReportAt = layer.LastSenderReportAt;
        }
    }

    /// <summary>Protects a plain RTCP packet with the session's keys and sends it; false when not connected.</summary>
    public bool SendRtcp(IForwardingPeer session, ReadOnlySpan<byte> plain)
    {
        SrtpSession? srtp = session.Srtp;
        MediaPath? path = session.Path;
        if (srtp is null || path is null || session.IsClosed)
        {
            return false;
        }

        byte[] scratch = Scratch;
        if (!srtp.TryProtectRtcp(plain, scratch, out int written))
        {
            return false;
        }

        path.Send(scratch.AsSpan(0, written));
        return true;
    }

    /// <summary>Rewrites, protects and sends one packet to one subscriber; false when it could not go out.</summary>
    private bool SendTo(DownTrack downTrack, ReadOnlySpan<byte> plain)
    {
        IForwardingPeer receiver = downTrack.Receiver;
        SrtpSession? srtp = receiver.Srtp;
        MediaPath? path = receiver.Path;
        if (srtp is null || path is null || plain.Length > UdpMediaSocket.MaxDatagram)
        {
            return false;
        }

        if (downTrack.Source.IsVideo && (receiver.VideoPaused || FeedbackMissing(receiver, BweClock.Micros(_time))))
        {
            downTrack.NoteSkipped(RtpHeader.ReadSequenceNumber(plain), _time.GetTimestamp(), _time.TimestampFrequency);
            return false; // audio only for this receiver: its audio still goes
        }

        if (downTrack.Source.IsVideo && receiver.Downlink is { } downlink && !AdmitVideo(downTrack, downlink, plain))
        {
            downTrack.NoteSkipped(RtpHeader.ReadSequenceNumber(plain), _time.GetTimestamp(), _time.TimestampFrequency);
            return false; // over the receiver's estimate: whole frames dropped here, not the audio by the link's queue
        }

        byte[] scratch = Scratch;
        Span<byte> packet = scratch.AsSpan(0, plain.Length);
        plain.CopyTo(packet);
        if (!downTrack.Map.IsIdentity && !RtpRewriter.TryRewrite(packet, downTrack.Map))
        {
            _counters.RtpDroppedOne();
            return false;
        }

        return ProtectAndSend(downTrack, srtp, path, packet);
    }

    /// <summary>The receiver's rate gate (<see cref="VideoRateGate"/>) on a plain video down track, by whole frames; a
    /// dropped run ends at a keyframe, asked of the publisher once it has had time to take its lower REMB.</summary>
    private bool AdmitVideo(DownTrack downTrack, SubscriberBandwidth downlink, ReadOnlySpan<byte> plain)
    {
        if (!RtpHeader.TryParse(plain, out RtpHeader header))
        {
            return true;
        }

        bool keyframe = downTrack.WaitsForKeyframe && downTrack.Source.IsKeyframeStart(plain, header);
        if (downTrack.Frames.Admit(header.Timestamp, keyframe, downlink.VideoGate, BweClock.Micros(_time), out bool askKeyframe))
        {
            return true;
        }

        if (askKeyframe)
        {
            RequestKeyframe(downTrack.Source, force: false);
        }

        return false;
    }

    /// <summary>True while the receiver's transport feedback has been missing for a second (<see
    /// cref="SubscriberBandwidth.IsFeedbackMissing"/>): its video is held back, and the next feedback asks for a keyframe.</summary>
    private static bool FeedbackMissing(IForwardingPeer receiver, long nowMicros)
    {
        if (receiver.Downlink is not { } downlink || !downlink.IsFeedbackMissing(nowMicros))
        {
            return false;
        }

        downlink.NoteVideoHeldForMissingFeedback();
        return true;
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

    /// <summary>Stamps the receiver's transport-wide sequence number (when it negotiated transport-cc on this section),
    /// records the send for its estimate, protects and sends. <paramref name="packet"/> lies in <see cref="Scratch"/>
    /// or <see cref="RepairScratch"/>; the protected packet is written to <see cref="Scratch"/>.</summary>
    private bool ProtectAndSend(DownTrack downTrack, SrtpSession srtp, MediaPath path, Span<byte> packet)
    {
        int id = downTrack.TransportWideCcId;
        if (id != 0 && downTrack.Receiver.Downlink is { } downlink)
        {
            packet = Stamp(packet, id, downlink, srtp.RtpOverhead);
        }

        byte[] scratch = Scratch;
        if (!srtp.TryProtectRtp(packet, scratch, out int written))
        {
            _counters.RtpDroppedOne();
            return false;
        }

        path.Send(scratch.AsSpan(0, written));
        downTrack.Receiver.Downlink?.VideoGate.OnSent(written, BweClock.Micros(_time));
        _counters.RtpForwardedOne();
        return true;
    }

    /// <summary>Sets the transport-wide sequence element (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2): in
    /// place when the packet carries it (the publisher's own, renumbered to the receiver's id), else in a copy with the
    /// element added. The sequence number is taken only once the element is in place, so every recorded number goes
    /// out; a packet that cannot take the element goes out unstamped and unrecorded.</summary>
    private Span<byte> Stamp(Span<byte> packet, int id, SubscriberBandwidth downlink, int overhead)
    {
        if (!RtpHeader.TryParse(packet, out RtpHeader header))
        {
            return packet;
        }

        if (!header.TryFindExtension(packet, id, out int offset, out int length) || length != TransportWideSequence.ValueLength)
        {
            Span<byte> stamped = StampScratch;
            if (!TransportWideSequence.TryStamp(packet, stamped[..UdpMediaSocket.MaxDatagram], id, 0, out int written)
                || !RtpHeader.TryParse(stamped[..written], out header)
                || !header.TryFindExtension(stamped[..written], id, out offset, out _))
            {
                return packet;
            }

            packet = stamped[..written];
        }

        ushort sequence = downlink.OnSending(packet.Length + overhead, BweClock.Micros(_time));
        BinaryPrimitives.WriteUInt16BigEndian(packet[offset..], sequence);
        return packet;
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
