using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Transport;

namespace Doctolib.Telehealth.Media.Plane;

internal sealed partial class PacketDispatcher
{
    /// <summary>The spacing of NACKs to one publisher track: gaps found in between wait for the next packet after it.</summary>
    private const long NackSpacingMicros = 20_000;

    /// <summary>The round trip assumed for NACK retries until the plane measures one to the publisher.</summary>
    private const long AssumedPublisherRttMicros = 100_000;

    private const int MaxNackedPerMessage = 64;

    [ThreadStatic]
    private static byte[]? t_unwrapped;

    [ThreadStatic]
    private static byte[]? t_feedback;

    private static byte[] Unwrapped => t_unwrapped ??= GC.AllocateArray<byte>(UdpMediaSocket.MaxDatagram, pinned: true);

    private static byte[] FeedbackBuffer => t_feedback ??= new byte[1200];

    /// <summary>A packet on the publisher's RTX stream (RFC 4588 §4). Padding-only probes are counted for transport
    /// feedback (the caller did) and go no further. A retransmission is unwrapped to the original sequence number and
    /// forwarded once, if it fills a gap the plane saw (one it NACKed); a copy of a packet already forwarded, as
    /// Chromium sends when it probes with RTX, is dropped.</summary>
    private void OnPublisherRtx(ParticipantSession session, PublishedTrack track, ReadOnlySpan<byte> plain, in RtpHeader header)
    {
        byte originalPayloadType = track.OriginalPayloadTypeFor(header.PayloadType);
        if (RtxPacket.IsPaddingProbe(header) || originalPayloadType == RtpRewriteMap.NoPayloadType)
        {
            _counters.RtpDroppedOne();
            return;
        }

        byte[] restored = Unwrapped;
        if (!RtxPacket.TryUnwrap(plain, restored, track.Ssrc, originalPayloadType, out ushort sequence, out int written)
            || track.Nacks is null || !TrackSequence(session, track, sequence))
        {
            _counters.RtpDroppedOne();
            return;
        }

        ReadOnlySpan<byte> original = restored.AsSpan(0, written);
        track.Statistics.OnPacket(sequence, written);
        track.Retransmissions?.Store(sequence, original);
        if (plane.Forwarder.Forward(track, original) > 0)
        {
            session.MarkRelayed(plane.Time.GetTimestamp());
        }
    }

    /// <summary>Feeds a video sequence number to the track's NACK generator and NACKs the publisher (RFC 4585 §6.2.1) for
    /// what is due, or asks for a keyframe after a gap too long to repair. Returns true when the packet filled a gap.
    /// While the publisher's uplink is weak (<see cref="ParticipantSession.IsUplinkWeak"/>) it asks for neither: each
    /// resend or keyframe would join the video in the full queue that is dropping its sound.</summary>
    private bool TrackSequence(ParticipantSession publisher, PublishedTrack track, ushort sequence)
    {
        NackGenerator nacks = track.Nacks!;
        long now = BweClock.Micros(plane.Time);
        Span<ushort> lost = stackalloc ushort[MaxNackedPerMessage];
        int count = 0;
        bool filled;
        bool keyframe;
        lock (track.NackGate)
        {
            long recovered = nacks.Recovered;
            nacks.OnPacket(sequence, now);
            filled = nacks.Recovered != recovered;
            bool quiet = publisher.IsUplinkWeak(now);
            if (!quiet && nacks.MissingCount > 0 && now - track.LastNackCollectMicros >= NackSpacingMicros)
            {
                count = nacks.Collect(now, AssumedPublisherRttMicros, lost);
                track.LastNackCollectMicros = now;
            }

            keyframe = nacks.TakeKeyframeRequest() && !quiet;
        }

        if (count > 0)
        {
            Span<byte> nack = stackalloc byte[RtcpGenericNack.MaxLength(MaxNackedPerMessage)];
            int length = RtcpGenericNack.WriteLost(nack, publisher.ServerSsrc, track.Ssrc, lost[..count]);
            plane.Forwarder.SendRtcp(publisher, nack[..length]);
        }

        if (keyframe)
        {
            plane.Forwarder.RequestKeyframe(track, force: false);
        }

        return filled;
    }

    /// <summary>Records a publisher packet's transport-wide sequence number and sends the feedback that is due.</summary>
    private void SendUplinkFeedback(ParticipantSession session, UplinkFeedback uplink, ushort transportSequence, uint ssrc, long arrivalMicros)
    {
        long now = BweClock.Micros(plane.Time);
        byte[] buffer = FeedbackBuffer;
        int length = uplink.OnPacket(transportSequence, arrivalMicros, ssrc, buffer);
        for (int i = 0; length > 0 && i < 4; i++)
        {
            plane.Forwarder.SendRtcp(session, buffer.AsSpan(0, length));
            length = uplink.Continue(now, buffer);
        }
    }
}
