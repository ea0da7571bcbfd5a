namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>One published track as one receiver gets it: the receiver and the renumbering its negotiated payload
/// types and extension ids need. The publisher's SSRC is kept.</summary>
internal sealed class DownTrack(PublishedTrack source, IForwardingPeer receiver, RtpRewriteMap map)
{
    public PublishedTrack Source { get; } = source;

    public IForwardingPeer Receiver { get; } = receiver;

    public RtpRewriteMap Map { get; } = map;
}
