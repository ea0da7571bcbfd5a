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

    /// <summary>Transport feedback to this participant as a publisher, or null (REMB only).</summary>
    public UplinkFeedback? Uplink => Volatile.Read(ref _uplink);

    /// <summary>The send side of transport-cc toward this participant, or null.</summary>
    public SubscriberBandwidth? Downlink => Volatile.Read(ref _downlink);

    /// <summary>Turns transport-cc on (with the participant's extension id, one per BUNDLE transport) or off (0). A
    /// renegotiation that keeps the id keeps the state.</summary>
    public void ConfigureTransportCc(int extensionId)
    {
        if (extensionId == 0)
        {
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
            Volatile.Write(ref _downlink, new SubscriberBandwidth());
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
