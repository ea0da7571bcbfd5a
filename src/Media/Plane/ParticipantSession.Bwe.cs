using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Forwarding;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Transport-cc toward and from this participant: the feedback it gets as a publisher, and the sequence
/// numbers and estimate of what the server sends it. Both exist only when it negotiated transport-cc; set by the
/// control plane, read by the receive loop.</summary>
internal sealed partial class ParticipantSession
{
    private UplinkFeedback? _uplink;
    private SubscriberBandwidth? _downlink;
    private int _probeInFlight;

    /// <summary>When this receiver's downlink is probed (<see cref="MediaPlane"/> probing, periodic work only).</summary>
    public ProbeScheduler Probes { get; } = new(MediaPlane.ProbeIntervalMicros, MediaPlane.ProbePackets,
        PaddingProbe.Length(MediaPlane.ProbePaddingBytes) + 10);

    /// <summary>True when no probe cluster was in flight; the caller then owns the next one until <see cref="EndProbe"/>.</summary>
    public bool TryBeginProbe() => Interlocked.CompareExchange(ref _probeInFlight, 1, 0) == 0;

    public void EndProbe() => Volatile.Write(ref _probeInFlight, 0);

    /// <summary>Transport feedback to this participant as a publisher, or null (REMB only).</summary>
    public UplinkFeedback? Uplink => Volatile.Read(ref _uplink);

    /// <summary>The send side of transport-cc toward this participant, or null.</summary>
    public SubscriberBandwidth? Downlink => Volatile.Read(ref _downlink);

    /// <summary>Turns transport-cc on (with the participant's extension id, one per BUNDLE transport) or off (0). A
    /// renegotiation that keeps the id keeps the state. With <paramref name="traceDirectory"/>, the downlink's estimator
    /// is recorded there (<see cref="BandwidthTrace"/>, a diagnostic).</summary>
    public void ConfigureTransportCc(int extensionId, string? traceDirectory = null)
    {
        if (extensionId == 0)
        {
            Downlink?.CloseTrace();
            Volatile.Write(ref _uplink, null);
            Volatile.Write(ref _downlink, null);
            return;
        }

        if (Uplink?.ExtensionId != extensionId)
        {
            Volatile.Write(ref _uplink, new UplinkFeedback(extensionId, ServerSsrc));
        }

        if (Downlink is null)
        {
            Volatile.Write(ref _downlink, new SubscriberBandwidth(trace: BandwidthTrace.Open(traceDirectory, Participant.ParticipantId)));
        }
    }

    /// <summary>The track whose publisher RTX stream has this SSRC, or null.</summary>
    public PublishedTrack? FindTrackByRtx(uint ssrc)
    {
        if (ssrc == 0)
        {
            return null;
        }

        foreach (PublishedTrack track in Tracks)
        {
            if (track.PublisherRtxSsrc == ssrc)
            {
                return track;
            }

            if (track.Simulcast?.FindLayerByRtx(ssrc) is { } layer)
            {
                return layer;
            }
        }

        return null;
    }
}
