namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>One SSRC a participant publishes (announced in its offer): its receivers, receive statistics and,
/// for video, the retransmission buffer that answers NACKs. The receiver list is copy-on-write so the receive
/// loop reads it without a lock.</summary>
internal sealed class PublishedTrack
{
    private readonly Lock _gate = new();
    private DownTrack[] _subscribers = [];

    public PublishedTrack(IForwardingPeer publisher, uint ssrc, bool isVideo, string mid, string streamId, string trackId,
        int payloadTypeHint, RetransmissionBuffer? retransmissions)
    {
        Publisher = publisher;
        Ssrc = ssrc;
        IsVideo = isVideo;
        Mid = mid;
        StreamId = streamId;
        TrackId = trackId;
        PayloadTypeHint = payloadTypeHint;
        Retransmissions = retransmissions;
    }

    public IForwardingPeer Publisher { get; }
    public uint Ssrc { get; }
    public bool IsVideo { get; }
    public string Mid { get; }
    public string StreamId { get; }
    public string TrackId { get; }
    public int PayloadTypeHint { get; }
    public RetransmissionBuffer? Retransmissions { get; }
    public ReceiveStatistics Statistics { get; } = new();

    /// <summary>Last sender-report NTP middle 32 bits and when it arrived (for LSR/DLSR in our RR).</summary>
    public uint LastSenderReportNtp { get; set; }

    public long LastSenderReportAt { get; set; }

    public long LastKeyframeRequestAt { get; set; }

    public DownTrack[] Subscribers => Volatile.Read(ref _subscribers);

    private int _worstFractionLost;

    /// <summary>A receiver reported this fraction lost (n/256) for the track; the worst since the last take wins.</summary>
    public void ReportLoss(byte fractionLost)
    {
        int current;
        do
        {
            current = Volatile.Read(ref _worstFractionLost);
            if (fractionLost <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _worstFractionLost, fractionLost, current) != current);
    }

    public int TakeWorstFractionLost() => Interlocked.Exchange(ref _worstFractionLost, 0);

    public void Subscribe(DownTrack downTrack)
    {
        lock (_gate)
        {
            DownTrack[] current = _subscribers;
            var next = new DownTrack[current.Length + 1];
            int n = 0;
            foreach (DownTrack existing in current)
            {
                if (existing.Receiver != downTrack.Receiver)
                {
                    next[n++] = existing;
                }
            }

            next[n++] = downTrack;
            Volatile.Write(ref _subscribers, n == next.Length ? next : next[..n]);
            downTrack.Receiver.Incoming.Add(downTrack);
        }
    }

    public void Unsubscribe(IForwardingPeer receiver)
    {
        lock (_gate)
        {
            receiver.Incoming.Remove(this);
            DownTrack[] current = _subscribers;
            var next = new List<DownTrack>(current.Length);
            foreach (DownTrack existing in current)
            {
                if (existing.Receiver != receiver)
                {
                    next.Add(existing);
                }
            }

            Volatile.Write(ref _subscribers, next.ToArray());
        }
    }

    public bool HasSubscriber(IForwardingPeer receiver)
    {
        foreach (DownTrack existing in Subscribers)
        {
            if (existing.Receiver == receiver)
            {
                return true;
            }
        }

        return false;
    }
}
