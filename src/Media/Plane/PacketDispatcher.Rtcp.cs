using System.Buffers.Binary;
using Doctolib.Telehealth.Media.Forwarding;

namespace Doctolib.Telehealth.Media.Plane;

internal sealed partial class PacketDispatcher
{
    /// <summary>Walks a decrypted compound RTCP packet: sender reports are recorded and passed to receivers,
    /// receiver reports and REMB feed the publisher's bandwidth estimate, NACKs are answered from the buffer,
    /// PLI/FIR go to the publisher. Feedback about a track is honoured only from that track's receivers.</summary>
    private void OnCompoundRtcp(ParticipantSession session, ReadOnlySpan<byte> compound)
    {
        int offset = 0;
        while (compound.Length - offset >= 8)
        {
            ReadOnlySpan<byte> header = compound.Slice(offset);
            if ((header[0] >> 6) != 2)
            {
                _counters.Malformed();
                return;
            }

            int length = (BinaryPrimitives.ReadUInt16BigEndian(header.Slice(2)) + 1) * 4;
            if (length > header.Length)
            {
                _counters.Malformed();
                return;
            }

            ReadOnlySpan<byte> packet = header.Slice(0, length);
            int count = packet[0] & 0x1F;
            switch (packet[1])
            {
                case RtcpPackets.SenderReport:
                    OnSenderReport(session, packet, count);
                    break;
                case RtcpPackets.ReceiverReport:
                    OnReportBlocks(session, packet.Slice(8), count);
                    break;
                case RtcpPackets.TransportFeedback when count == 1 && packet.Length >= 16:
                    OnNack(session, packet);
                    break;
                case RtcpPackets.PayloadFeedback when packet.Length >= 12:
                    OnPayloadFeedback(session, packet, count);
                    break;
            }

            offset += length;
        }
    }

    private void OnSenderReport(ParticipantSession session, ReadOnlySpan<byte> packet, int count)
    {
        if (packet.Length < 28)
        {
            return;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(4));
        PublishedTrack? track = session.FindTrack(ssrc);
        if (track is not null)
        {
            track.LastSenderReportNtp = BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(10));
            track.LastSenderReportAt = plane.Time.GetTimestamp();
            plane.Forwarder.ForwardSenderReport(track, packet);
        }

        OnReportBlocks(session, packet.Slice(28), count);
    }

    private void OnReportBlocks(ParticipantSession receiver, ReadOnlySpan<byte> blocks, int count)
    {
        for (int i = 0; i < count && blocks.Length >= (i + 1) * RtcpPackets.ReportBlockLength; i++)
        {
            ReadOnlySpan<byte> block = blocks.Slice(i * RtcpPackets.ReportBlockLength);
            PublishedTrack? track = plane.FindTrack(BinaryPrimitives.ReadUInt32BigEndian(block));
            if (track is not null && track.HasSubscriber(receiver))
            {
                track.ReportLoss(block[4]);
            }
        }
    }

    private void OnNack(ParticipantSession receiver, ReadOnlySpan<byte> packet)
    {
        _counters.NackReceived();
        DownTrack? downTrack = FindDownTrack(receiver, BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(8)));
        if (downTrack is null)
        {
            return;
        }

        for (int fci = 12; fci + 4 <= packet.Length; fci += 4)
        {
            ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(fci));
            ushort bitmask = BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(fci + 2));
            plane.Forwarder.Retransmit(downTrack, sequence, bitmask);
        }
    }

    private void OnPayloadFeedback(ParticipantSession receiver, ReadOnlySpan<byte> packet, int format)
    {
        uint mediaSsrc = BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(8));
        switch (format)
        {
            case 1:
                RequestKeyframe(receiver, mediaSsrc);
                break;
            case 4 when packet.Length >= 20:
                RequestKeyframe(receiver, BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(12)));
                break;
            case 15 when RtcpPackets.TryReadRemb(packet, out ulong bitrate):
                receiver.ReportReceiverEstimate(bitrate);
                break;
        }
    }

    private void RequestKeyframe(ParticipantSession receiver, uint mediaSsrc)
    {
        DownTrack? downTrack = FindDownTrack(receiver, mediaSsrc);
        if (downTrack is not null)
        {
            plane.Forwarder.RequestKeyframe(downTrack.Source, force: false);
        }
    }

    private DownTrack? FindDownTrack(ParticipantSession receiver, uint mediaSsrc)
    {
        PublishedTrack? track = plane.FindTrack(mediaSsrc);
        if (track is null)
        {
            return null;
        }

        foreach (DownTrack downTrack in track.Subscribers)
        {
            if (downTrack.Receiver == receiver)
            {
                return downTrack;
            }
        }

        return null;
    }
}
