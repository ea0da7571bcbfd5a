using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Srtp;
using Doctolib.Telehealth.Media.Transport;

namespace Doctolib.Telehealth.Media.Forwarding;

// Forwarding of simulcast layers: each subscriber gets the layer chosen for it, on one continuous stream.
internal sealed partial class RtpForwarder
{
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

            SubscriberBandwidth? downlink = receiver.Downlink;
            if (receiver.VideoPaused || FeedbackMissing(downlink, nowMicros))
            {
                simulcast.Restart(); // audio only: video comes back, continuous, at a keyframe
                continue;
            }

            if (downlink is not null && !downTrack.Frames.Admit(header.Timestamp, keyframe, downlink.VideoGate, nowMicros, out _))
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

            if (ProtectAndSend(downTrack, srtp, path, packet, downlink))
            {
                sent++;
            }
        }

        return sent;
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
}
