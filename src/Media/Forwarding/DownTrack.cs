namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>One published track as one receiver gets it: the receiver, the renumbering its negotiated payload
/// types and extension ids need, the transport-wide sequence extension id of the receiver's section (0 when it did not
/// negotiate transport-cc there), and the sequence numbers of the server's RTX stream toward it. The publisher's SSRC and
/// sequence numbers are kept.</summary>
internal sealed class DownTrack(PublishedTrack source, IForwardingPeer receiver, RtpRewriteMap map, int transportWideCcId = 0)
{
    /// <summary>Skips further apart than this start a new skipped range.</summary>
    private const double SkipGapSeconds = 0.5;

    /// <summary>A skipped range is remembered this long: past the retransmission buffer's window (1 s).</summary>
    private const double SkipMemorySeconds = 2;

    private int _rtxSequence = System.Security.Cryptography.RandomNumberGenerator.GetInt32(0, 0x10000);
    private ushort _firstSkipped;
    private ushort _lastSkipped;
    private long _lastSkippedAt;
    private readonly ushort[] _resentSequences = new ushort[ResendSlots];
    private readonly long[] _resentAt = new long[ResendSlots];

    /// <summary>Packets whose last resend to this receiver is remembered (by sequence modulo this).</summary>
    private const int ResendSlots = 256;

    /// <summary>A packet is resent to one receiver at most this often: NACKs that overlap (or repeat before the
    /// resend could have arrived) get one copy.</summary>
    private const double ResendSpacingSeconds = 0.1;

    public PublishedTrack Source { get; } = source;

    public IForwardingPeer Receiver { get; } = receiver;

    public RtpRewriteMap Map { get; } = map;

    public int TransportWideCcId { get; } = transportWideCcId;

    /// <summary>For a simulcast source: which layer this receiver gets and the rewrite to one stream; null otherwise.</summary>
    public SimulcastForwarding? Simulcast { get; } = source.Simulcast is null ? null : new SimulcastForwarding(source.Ssrc);

    /// <summary>Whole-frame admission of this down track's video under the receiver's rate gate.</summary>
    public Bwe.FrameAdmission Frames { get; } = new();

    /// <summary>True while frames are dropped for the rate gate until a keyframe starts.</summary>
    public bool WaitsForKeyframe => Frames.WaitsForKeyframe;

    /// <summary>The next sequence number on the server's RTX stream to this receiver (RFC 4588 §4: its own sequence space).</summary>
    public ushort NextRtxSequence() => (ushort)Interlocked.Increment(ref _rtxSequence);

    /// <summary>The forwarder did not send this packet because the receiver takes no video (audio only). Receive loop
    /// only.</summary>
    public void NoteSkipped(ushort sequence, long now, long frequency)
    {
        if (_lastSkippedAt == 0 || now - _lastSkippedAt > (long)(SkipGapSeconds * frequency))
        {
            _firstSkipped = sequence;
        }

        _lastSkipped = sequence;
        _lastSkippedAt = now;
    }

    /// <summary>True for a packet of the latest skipped range, while it is recent: the receiver NACKs the gap it sees
    /// after video resumes, and resending a second of video it was never sent would only flood a link that has just
    /// recovered (the resume's keyframe request brings the picture back).</summary>
    public bool WasSkipped(ushort sequence, long now, long frequency) =>
        _lastSkippedAt != 0
        && now - _lastSkippedAt <= (long)(SkipMemorySeconds * frequency)
        && (ushort)(sequence - _firstSkipped) <= (ushort)(_lastSkipped - _firstSkipped);

    /// <summary>True (and noted) when the packet was not resent to this receiver in the last 100 ms. One NACK path per
    /// receiver at a time (its receive loop).</summary>
    public bool TryNoteResend(ushort sequence, long now, long frequency)
    {
        int slot = sequence % ResendSlots;
        if (_resentAt[slot] != 0 && _resentSequences[slot] == sequence && now - _resentAt[slot] < (long)(ResendSpacingSeconds * frequency))
        {
            return false;
        }

        _resentSequences[slot] = sequence;
        _resentAt[slot] = now;
        return true;
    }
}
