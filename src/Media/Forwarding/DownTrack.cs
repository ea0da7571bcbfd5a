using Doctolib.Telehealth.Media.Plane;

namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>One published track as one receiver gets it: the receiver's session and the renumbering its
/// negotiated payload types and extension ids need. The publisher's SSRC is kept.</summary>
internal sealed class DownTrack(PublishedTrack source, ParticipantSession receiver, RtpRewriteMap map)
{
    public PublishedTrack Source { get; } = source;

    public ParticipantSession Receiver { get; } = receiver;

    public RtpRewriteMap Map { get; } = map;
}
