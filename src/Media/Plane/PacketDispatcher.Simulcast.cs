using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Plane;

internal sealed partial class PacketDispatcher
{
    private static readonly TimeSpan LayerRetransmissionWindow = TimeSpan.FromSeconds(1);

    /// <summary>A packet on an SSRC the plane does not know yet: when it names a simulcast layer of this publisher (its
    /// MID and RtpStreamId elements, RFC 8852 §3.3 and RFC 8843 §15), the SSRC is bound to that layer and the layer
    /// returned; when it names a layer's repair stream (repaired RtpStreamId on a bound layer), its SSRC becomes that
    /// layer's RTX and null is returned (the packet itself is not taken). Browsers send these elements on a stream's
    /// first packets, before any receiver report, so the first packet binds.</summary>
    internal PublishedTrack? BindSimulcast(ParticipantSession session, ReadOnlySpan<byte> plain, in RtpHeader header)
    {
        if (!header.HasExtension)
        {
            return null;
        }

        foreach (PublishedTrack track in session.Tracks)
        {
            if (track.Simulcast is not { } group || !group.MatchesMid(plain, header))
            {
                continue;
            }

            if (group.RidExtensionId != 0 && header.TryFindExtension(plain, group.RidExtensionId, out int offset, out int length)
                && group.SlotOf(plain.Slice(offset, length)) is >= 0 and var slot)
            {
                PublishedTrack layer = group.Bind(slot, header.Ssrc, new RetransmissionBuffer(plane.Time, LayerRetransmissionWindow));
                plane.Forwarder.RequestKeyframe(layer, force: true);
                return layer;
            }

            if (group.RepairedRidExtensionId != 0 && header.TryFindExtension(plain, group.RepairedRidExtensionId, out offset, out length)
                && group.SlotOf(plain.Slice(offset, length)) is >= 0 and var repairedSlot && group.Layer(repairedSlot) is { } repaired)
            {
                group.BindRtx(repaired, header.Ssrc);
                return null;
            }
        }

        return null;
    }
}
