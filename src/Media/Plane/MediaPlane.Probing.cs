using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Forwarding;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Probing a receiver's downlink while its video is paused for a weak connection (issue 12; the probing idea
/// of draft-ietf-rmcat-gcc-02 §5 and of packet-train dispersion, see <see cref="ProbeBitrateEstimator"/>). With audio
/// only, what the server sends (about 40 kbps) says nothing of what the path could carry, so the estimate cannot climb
/// past 1.5 × that: every <see cref="ProbeIntervalMicros"/> the plane sends the receiver a short train of padding-only
/// RTX packets (<see cref="PaddingProbe"/>, each with a transport-wide sequence number and recorded with its cluster),
/// paced at <see cref="ProbeTargetBps"/>. Its feedback measures what got through; a result above the estimate raises
/// it, and once it has held at the resume threshold for 4 s video resumes. A train is 20 × 287 bytes (46 kbit) at
/// 400 kbps: longer than a shaper's token-bucket burst (a train of 8 passed a 100 kbit HTB class whole, at line rate,
/// in the browser benchmark, and resumed video on a link still at 100 kbit), yet on a link that is still weak it queues
/// for about 0.3 s.
/// Only a receiver that negotiated transport-cc and RTX on a video section gets padding; for any other the constraint
/// lapses with time as before (<see cref="SubscriberBandwidth.ConstraintHoldMicros"/>).</summary>
internal sealed partial class MediaPlane
{
    internal const long ProbeTargetBps = 400_000;
    internal const long ProbeIntervalMicros = 3_000_000;
    internal const int ProbePackets = 20;
    internal const int ProbePaddingBytes = PaddingProbe.MaxPaddingBytes;

    /// <summary>Per periodic tick: for each receiver paused for bandwidth that can be probed, holds its constraint and
    /// starts a cluster when one is due and none is in flight.</summary>
    private void CheckProbes(List<ParticipantSession> sessions, long nowMicros, CancellationToken cancellationToken)
    {
        foreach (ParticipantSession session in sessions)
        {
            if (session.Downlink is not { } downlink || session.IsClosed)
            {
                continue;
            }

            DownTrack? carrier = session.AudioOnly.PausedForBandwidth ? ProbeCarrier(session) : null;
            downlink.HoldConstraint = carrier is not null;
            if (carrier is null || !session.TryBeginProbe())
            {
                continue;
            }

            if (!session.Probes.TryStart(nowMicros, ProbeTargetBps, out ProbeCluster cluster))
            {
                session.EndProbe();
                continue;
            }

            _ = SendProbeClusterAsync(session, carrier, cluster, cancellationToken);
        }
    }

    /// <summary>A video section toward the receiver with transport-cc and RTX negotiated, or null.</summary>
    private static DownTrack? ProbeCarrier(ParticipantSession receiver)
    {
        foreach (DownTrack downTrack in receiver.Incoming.Items)
        {
            if (downTrack.Source.IsVideo && downTrack.TransportWideCcId != 0
                && downTrack.Map.FirstRetransmissionPayloadType != RtpRewriteMap.NoPayloadType)
            {
                return downTrack;
            }
        }

        return null;
    }

    /// <summary>The pacer: sends the cluster's packets at their times (<see cref="ProbeCluster.SpacingMicros"/> apart
    /// from the first); a packet whose time has passed goes at once, so a late timer sends a short burst and the
    /// estimator, which measures the send rate from the recorded send times, sees what really left.</summary>
    private async Task SendProbeClusterAsync(ParticipantSession receiver, DownTrack carrier, ProbeCluster cluster, CancellationToken cancellationToken)
    {
        try
        {
            byte[] buffer = new byte[2 * Transport.UdpMediaSocket.MaxDatagram];
            long start = BweClock.Micros(Time);
            for (int i = 0; i < cluster.Packets; i++)
            {
                long wait = start + (i * cluster.SpacingMicros) - BweClock.Micros(Time);
                if (wait >= 1_000)
                {
                    await Task.Delay(TimeSpan.FromMicroseconds(wait), Time, cancellationToken).ConfigureAwait(false);
                }

                if (receiver.IsClosed || !Forwarder.SendPadding(carrier, cluster.Id, ProbePaddingBytes, buffer))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            receiver.EndProbe();
        }
    }
}
