namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>One published track as one receiver gets it: the receiver, the renumbering its negotiated payload
/// types and extension ids need, the transport-wide sequence extension id of the receiver's section (0 when it did not
/// negotiate transport-cc there), and the sequence numbers of the server's RTX stream toward it. The publisher's SSRC and
/// sequence numbers are kept.</summary>
internal sealed class DownTrack(PublishedTrack source, IForwardingPeer receiver, RtpRewriteMap map, int transportWideCcId = 0)
{
    private int _rtxSequence = System.Security.Cryptography.RandomNumberGenerator.GetInt32(0, 0x10000);

    public PublishedTrack Source { get; } = source;

    public IForwardingPeer Receiver { get; } = receiver;

    public RtpRewriteMap Map { get; } = map;

    public int TransportWideCcId { get; } = transportWideCcId;

    /// <summary>The next sequence number on the server's RTX stream to this receiver (RFC 4588 §4: its own sequence space).</summary>
    public ushort NextRtxSequence() => (ushort)Interlocked.Increment(ref _rtxSequence);
}
