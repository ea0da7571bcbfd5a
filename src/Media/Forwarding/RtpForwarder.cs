using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Srtp;
using Doctolib.Telehealth.Media.Transport;

namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>Sends one publisher's decrypted RTP to each of its receivers, re-encrypted with the receiver's keys
/// and renumbered for its negotiation; answers NACKs from the retransmission buffer; passes keyframe requests
/// and sender reports along. Scratch buffers are per thread, so nothing is allocated per packet.</summary>
internal sealed class RtpForwarder
{
    private const int ScratchBytes = UdpMediaSocket.MaxDatagram + 64;
    private static readonly long KeyframeRequestSpacingMs = 300;

    [ThreadStatic]
    private static byte[]? t_scratch;

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

    /// <summary>Sends a publisher's packet to every subscriber of its track; returns how many it went out to.</summary>
    public int Forward(PublishedTrack track, ReadOnlySpan<byte> plain)
    {
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

    /// <summary>Answers a receiver's NACK: resends each listed packet still in the track's buffer.</summary>
    public void Retransmit(DownTrack downTrack, ushort sequence, ushort bitmask)
    {
        RetransmissionBuffer? buffer = downTrack.Source.Retransmissions;
        if (buffer is null)
        {
            return;
        }

        Span<byte> packet = stackalloc byte[1500];
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

            int length = buffer.TryCopy(wanted, packet);
            if (length > 0)
            {
                SendTo(downTrack, packet.Slice(0, length));
                _counters.Retransmitted();
            }
        }
    }

    /// <summary>Asks the publisher of a track for a keyframe (PLI), at most every 300 ms unless forced.</summary>
    public void RequestKeyframe(PublishedTrack track, bool force)
    {
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

        if (downTrack.Source.IsVideo && receiver.VideoPaused)
        {
            downTrack.NoteSkipped(RtpHeader.ReadSequenceNumber(plain), _time.GetTimestamp(), _time.TimestampFrequency);
            return false; // audio only for this receiver: its audio still goes
        }

        byte[] scratch = Scratch;
        Span<byte> packet = scratch.AsSpan(0, plain.Length);
        plain.CopyTo(packet);
        if (!downTrack.Map.IsIdentity && !RtpRewriter.TryRewrite(packet, downTrack.Map))
        {
            _counters.RtpDroppedOne();
            return false;
        }

        if (!srtp.TryProtectRtp(packet, scratch, out int written))
        {
            _counters.RtpDroppedOne();
            return false;
        }

        path.Send(scratch.AsSpan(0, written));
        _counters.RtpForwardedOne();
        return true;
    }
}
