using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Plane;

internal sealed partial class PacketDispatcher
{
    /// <summary>Walks a decrypted compound RTCP packet: sender reports are recorded and passed to receivers,
    /// receiver reports and REMB feed the publisher's bandwidth estimate, NACKs are answered from the buffer,
    /// PLI/FIR go to the publisher. Feedback about a track is looked up among the
    /// tracks the sender receives (its own <see cref="ParticipantSession.Incoming"/>), so it reaches no other track.</summary>
    private void OnCompoundRtcp(ParticipantSession session, ReadOnlySpan<byte> compound)
    {
        var packets = new RtcpCompoundEnumerator(compound);
        while (packets.MoveNext())
        {
            ReadOnlySpan<byte> packet = packets.Packet;
            RtcpHeader header = packets.Header;
            switch (header.PacketType)
            {
                case RtcpPacketType.SenderReport when RtcpSenderReport.TryParse(packet, out RtcpSenderReport sr):
                    OnSenderReport(session, sr);
                    break;
                case RtcpPacketType.ReceiverReport when RtcpReceiverReport.TryParse(packet, out RtcpReceiverReport rr):
                    for (int i = 0; i < rr.ReportCount; i++)
                    {
                        OnReportBlock(session, rr.GetReportBlock(i));
                    }

                    break;
                case RtcpPacketType.TransportFeedback when header.Count == RtcpPacketType.FormatNack
                    && RtcpGenericNack.TryParse(packet, out RtcpGenericNack nack):
                    OnNack(session, nack);
                    break;
                case RtcpPacketType.TransportFeedback when header.Count == RtcpPacketType.FormatTransportCc:
                    OnTransportFeedback(session, packet);
                    break;
                case RtcpPacketType.PayloadFeedback when header.Count == RtcpPacketType.FormatPli
                    && RtcpPictureLossIndication.TryParse(packet, out RtcpPictureLossIndication pli):
                    RequestKeyframe(session, pli.MediaSsrc);
                    break;
                case RtcpPacketType.PayloadFeedback when header.Count == RtcpPacketType.FormatFir
                    && RtcpFullIntraRequest.TryParse(packet, out RtcpFullIntraRequest fir):
                    for (int i = 0; i < fir.EntryCount; i++)
                    {
                        RequestKeyframe(session, fir.GetEntry(i).Ssrc);
                    }

                    break;
                case RtcpPacketType.PayloadFeedback when header.Count == RtcpPacketType.FormatApplication
                    && RtcpRemb.TryParse(packet, out RtcpRemb remb):
                    session.ReportReceiverEstimate(remb.BitrateBps);
                    break;
            }
        }

        if (packets.IsMalformed)
        {
            _counters.Malformed();
        }
    }

    /// <summary>A receiver's transport feedback about what the server sent it: its downlink estimate, and whether its
    /// video is held back for it (<see cref="VideoHold"/>); a released hold, or the first feedback after video was held
    /// for missing feedback, asks each publisher it receives video from for a keyframe, unless its video is paused
    /// anyway.</summary>
    private void OnTransportFeedback(ParticipantSession receiver, ReadOnlySpan<byte> packet)
    {
        long nowMicros = BweClock.Micros(plane.Time);
        if (receiver.Downlink is not { } downlink || !downlink.OnTransportFeedback(packet, nowMicros))
        {
            return;
        }

        receiver.DownlinkEstimateBps = downlink.EstimateBps;
        bool released = receiver.DownlinkHold.OnEstimate(downlink.EstimateBps, downlink.IsConstrained, nowMicros) | downlink.TakeVideoHeldForMissingFeedback();
        if (released && !receiver.VideoPaused)
        {
            foreach (DownTrack downTrack in receiver.Incoming.Items)
            {
                if (downTrack.Source.IsVideo)
                {
                    plane.Forwarder.RequestKeyframe(downTrack.Source, force: true);
                }
            }
        }
    }

    private void OnSenderReport(ParticipantSession session, RtcpSenderReport report)
    {
        PublishedTrack? track = session.FindTrack(report.SenderSsrc);
        if (track is not null)
        {
            track.LastSenderReportNtp = report.CompactNtp;
            track.LastSenderReportAt = plane.Time.GetTimestamp();
            plane.Forwarder.ForwardSenderReport(track, report);
        }

        for (int i = 0; i < report.ReportCount; i++)
        {
            OnReportBlock(session, report.GetReportBlock(i));
        }
    }

    private void OnReportBlock(ParticipantSession receiver, RtcpReportBlock block)
    {
        if (receiver.Incoming.Find(block.Ssrc) is { } downTrack)
        {
            downTrack.Source.ReportLoss(block.FractionLost);
            receiver.OnReceiverReport(downTrack.Source, block, plane.Time.GetTimestamp(), plane.Time.TimestampFrequency);
        }
    }

    private void OnNack(ParticipantSession receiver, RtcpGenericNack nack)
    {
        _counters.NackReceived();
        DownTrack? downTrack = receiver.Incoming.Find(nack.MediaSsrc);
        if (downTrack is null)
        {
            return;
        }

        for (int i = 0; i < nack.ItemCount; i++)
        {
            RtcpNackItem item = nack.GetItem(i);
            plane.Forwarder.Retransmit(downTrack, item.PacketId, item.LostBitmask);
        }
    }

    private void RequestKeyframe(ParticipantSession receiver, uint mediaSsrc)
    {
        DownTrack? downTrack = receiver.Incoming.Find(mediaSsrc);
        if (downTrack is null || receiver.VideoPaused || downTrack.WaitsForKeyframe)
        {
            return; // a receiver that gets no video now asks for none: its resume (or its rate gate) asks the publisher itself
        }

        // A simulcast subscriber's picture comes from one layer: that layer is asked (all of them before the first).
        PublishedTrack source = downTrack.Simulcast is { CurrentLayer: >= 0 and var slot } && downTrack.Source.Simulcast?.Layer(slot) is { } layer
            ? layer : downTrack.Source;
        plane.Forwarder.RequestKeyframe(source, force: false);
    }
}
