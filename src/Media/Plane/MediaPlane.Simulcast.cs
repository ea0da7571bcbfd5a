using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Forwarding;

namespace Doctolib.Telehealth.Media.Plane;

internal sealed partial class MediaPlane
{
    /// <summary>Once per periodic reading, for each simulcast track this participant publishes: each subscriber's layer
    /// from its downlink estimate (its video share of it; not limited until its path has pushed back), and a keyframe
    /// request to the layer a subscriber waits to switch to.</summary>
    private void SelectLayers(ParticipantSession publisher, long nowMicros)
    {
        Span<SimulcastLayerRate> layers = stackalloc SimulcastLayerRate[SimulcastOffer.MaxLayers];
        foreach (PublishedTrack track in publisher.Tracks)
        {
            if (track.Simulcast is not { } group)
            {
                continue;
            }

            int count = group.RankLayers(layers);
            foreach (DownTrack downTrack in track.Subscribers)
            {
                if (downTrack.Simulcast is not { } simulcast || downTrack.Receiver.VideoPaused)
                {
                    continue;
                }

                long estimate = downTrack.Receiver.Downlink is { IsConstrained: true, EstimateBps: > 0 } downlink
                    ? VideoShare(downTrack.Receiver, downlink.EstimateBps) : long.MaxValue;
                simulcast.OnEstimate(layers[..count], estimate, nowMicros);
                if (simulcast.KeyframeWantedLayer is >= 0 and var slot && group.Layer(slot) is { } wanted)
                {
                    Forwarder.RequestKeyframe(wanted, force: false);
                }
            }
        }
    }
}
