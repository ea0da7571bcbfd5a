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
internal sealed partial class RtpForwarder
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

        SubscriberBandwidth? downlink = receiver.Downlink; // read once: an interface call, and one view of it per packet
        if (downTrack.Source.IsVideo && (receiver.VideoPaused || FeedbackMissing(downlink, BweClock.Micros(_time))))
        {
            downTrack.NoteSkipped(RtpHeader.ReadSequenceNumber(plain), _time.GetTimestamp(), _time.TimestampFrequency);
            return false; // audio only for this receiver: its audio still goes
        }

        if (downTrack.Source.IsVideo && downlink is not null && !AdmitVideo(downTrack, downlink, plain))
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

        return ProtectAndSend(downTrack, srtp, path, packet, downlink);
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
    private static bool FeedbackMissing(SubscriberBandwidth? downlink, long nowMicros)
    {
        if (downlink is null || !downlink.IsFeedbackMissing(nowMicros))
        {
            return false;
        }

        downlink.NoteVideoHeldForMissingFeedback();
        return true;
    }

    /// <summary>Stamps the receiver's transport-wide sequence number (when it negotiated transport-cc on this section),
    /// records the send for its estimate, protects and sends. <paramref name="packet"/> lies in <see cref="Scratch"/>
    /// or <see cref="RepairScratch"/>; the protected packet is written to <see cref="Scratch"/>.</summary>
    private bool ProtectAndSend(DownTrack downTrack, SrtpSession srtp, MediaPath path, Span<byte> packet) =>
        ProtectAndSend(downTrack, srtp, path, packet, downTrack.Receiver.Downlink);

    private bool ProtectAndSend(DownTrack downTrack, SrtpSession srtp, MediaPath path, Span<byte> packet, SubscriberBandwidth? downlink)
    {
        int id = downTrack.TransportWideCcId;
        if (id != 0 && downlink is not null)
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
        downlink?.VideoGate.OnSent(written, BweClock.Micros(_time));
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
}
