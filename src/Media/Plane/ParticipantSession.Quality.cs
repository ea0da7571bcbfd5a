using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Audio only and the quality indicator for this participant as a receiver. The receive loop records what the
/// participant's receiver reports say (<see cref="OnReceiverReport"/>) and reads <see cref="VideoPaused"/> per video
/// packet; the periodic work and the control calls change the decision under the plane's lock.</summary>
internal sealed partial class ParticipantSession
{
    private int _videoPaused;
    private int _worstReportedLoss = -1;
    private long _roundTripMicros = -1;
    private long _audioJitterMicros = -1;

    /// <summary>True while the server forwards no video to this participant (one volatile read per video packet): paused
    /// by the audio-only decision (<see cref="PausedByDecision"/>, announced to the pages), or held back unannounced while
    /// its downlink estimate is too low for video (<see cref="DownlinkHold"/>).</summary>
    public bool VideoPaused => Volatile.Read(ref _videoPaused) != 0 || DownlinkHold.Held || Volatile.Read(ref _weakUplinkHold) != 0;

    /// <summary>Paused by <see cref="AudioOnly"/> (chosen, or a weak connection for a few seconds): what the pages are told.</summary>
    public bool PausedByDecision => Volatile.Read(ref _videoPaused) != 0;

    private readonly Lock _uplinkBacklogGate = new();
    private readonly UplinkBacklogDetector _uplinkBacklog = new();
    private int _weakUplinkHold;

    /// <summary>One RTP packet from this participant as it arrived (receive loop): feeds the <see cref="UplinkBacklogDetector"/>;
    /// true when it finds the uplink too weak for video, with the rate it measured. <paramref name="audioSsrc"/> is the
    /// packet's SSRC when it is on an audio track, else 0.</summary>
    public bool OnUplinkRtp(int wireBytes, bool video, uint audioSsrc, uint rtpTimestamp, long arrivalMicros, out long rateBps)
    {
        lock (_uplinkBacklogGate)
        {
            _uplinkBacklog.OnPacket(wireBytes, video, arrivalMicros);
            bool weak = audioSsrc != 0 && _uplinkBacklog.OnAudio(audioSsrc, rtpTimestamp, arrivalMicros);
            rateBps = weak ? _uplinkBacklog.LastBacklogRateBps : 0;
            if (weak)
            {
                Volatile.Write(ref _uplinkWeakUntilMicros, arrivalMicros + AudioOnlyDecision.UplinkHoldMicros);
            }

            return weak;
        }
    }

    private long _uplinkWeakUntilMicros = long.MinValue;

    /// <summary>True for <see cref="AudioOnlyDecision.UplinkHoldMicros"/> after the uplink was last found weak: the
    /// server then asks this publisher for no resends and no keyframes of its own accord.</summary>
    public bool IsUplinkWeak(long nowMicros) => nowMicros < Volatile.Read(ref _uplinkWeakUntilMicros);

    /// <summary>Holds this receiver's video from the receive loop at once, until the plane has paused it
    /// (<see cref="ReleaseWeakUplinkHold"/>).</summary>
    public void HoldForWeakUplink() => Volatile.Write(ref _weakUplinkHold, 1);

    public void ReleaseWeakUplinkHold() => Volatile.Write(ref _weakUplinkHold, 0);

    /// <summary>The immediate, unannounced hold of this receiver's video on a low downlink estimate (receive loop writes).</summary>
    public VideoHold DownlinkHold { get; } = new();

    public AudioOnlyDecision AudioOnly { get; } = new();

    public ConnectionQualityClassifier Quality { get; } = new();

    /// <summary>False until the current quality has been told to the pages (again after a participant reconnects).</summary>
    public bool QualityAnnounced { get; set; }

    /// <summary>Per published SSRC, the (extended highest sequence, received count) at the last quality reading, for
    /// the loss the server sees from this participant. Periodic work only.</summary>
    public Dictionary<uint, (uint Highest, long Received)> UplinkLossMarks { get; } = [];

    public void SetVideoPaused(bool paused) => Volatile.Write(ref _videoPaused, paused ? 1 : 0);

    /// <summary>A report block from this participant about a track the server forwards to it (RFC 3550 §6.4.1): keeps
    /// the worst fraction lost since the last reading, the round-trip time when the block answers the last sender
    /// report the server forwarded for that track (RTT = now − forwarded at − DLSR), and the jitter of audio (video
    /// jitter mostly measures the sender's pacing of a frame's packets, not the network).</summary>
    public void OnReceiverReport(PublishedTrack track, in RtcpReportBlock block, long now, long frequency)
    {
        int current;
        do
        {
            current = Volatile.Read(ref _worstReportedLoss);
            if (block.FractionLost <= current)
            {
                break;
            }
        }
        while (Interlocked.CompareExchange(ref _worstReportedLoss, block.FractionLost, current) != current);

        if (block.LastSenderReport != 0 && block.LastSenderReport == track.LastSenderReportNtp && track.LastSenderReportAt != 0)
        {
            long elapsedMicros = (now - track.LastSenderReportAt) * 1_000_000 / frequency;
            long rtt = elapsedMicros - ((long)block.DelaySinceLastSenderReport * 1_000_000 / 65536);
            if (rtt >= 0)
            {
                Volatile.Write(ref _roundTripMicros, rtt);
            }
        }

        if (!track.IsVideo)
        {
            // Opus's RTP clock is 48 kHz (RFC 7587 §4.1), the only audio codec negotiated.
            Volatile.Write(ref _audioJitterMicros, (long)block.Jitter * 1_000_000 / 48_000);
        }
    }

    /// <summary>The worst fraction lost (n/256) reported since the last call, or -1 when no report came.</summary>
    public int TakeWorstReportedLoss() => Interlocked.Exchange(ref _worstReportedLoss, -1);

    /// <summary>The last round-trip time measured, or -1.</summary>
    public long RoundTripMicros => Volatile.Read(ref _roundTripMicros);

    /// <summary>The last audio jitter reported, or -1.</summary>
    public long AudioJitterMicros => Volatile.Read(ref _audioJitterMicros);
}
