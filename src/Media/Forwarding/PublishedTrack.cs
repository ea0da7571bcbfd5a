using System.Security.Cryptography;
using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>One SSRC a participant publishes (announced in its offer): its receivers, receive statistics and,
/// for video, the retransmission buffer that answers NACKs. The receiver list is copy-on-write so the receive
/// loop reads it without a lock.</summary>
internal sealed class PublishedTrack
{
    private readonly Lock _gate = new();
    private DownTrack[] _subscribers = [];
    private uint _publisherRtxSsrc;
    private byte[] _rtxOriginalPayloadTypes = NoRtx;
    private static readonly byte[] NoRtx = CreateRtxTable();

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
        Nacks = isVideo ? new NackGenerator() : null;
    }

    public IForwardingPeer Publisher { get; }

    /// <summary>Per payload type, the codec (<see cref="SimulcastGroup.Vp8"/>, <see cref="SimulcastGroup.H264"/>, or 0),
    /// to find keyframe starts; null when unknown. Control plane sets it once.</summary>
    public byte[]? Codecs { get; set; }

    /// <summary>True when the packet starts a keyframe of a codec this track negotiated (VP8 or H.264).</summary>
    public bool IsKeyframeStart(ReadOnlySpan<byte> packet, in Rtp.RtpHeader header)
    {
        if (Codecs is not { } codecs)
        {
            return false;
        }

        ReadOnlySpan<byte> payload = packet.Slice(header.HeaderLength, header.PayloadLength);
        return codecs[header.PayloadType & 0x7F] switch
        {
            SimulcastGroup.Vp8 => KeyframeDetector.IsVp8KeyframeStart(payload),
            SimulcastGroup.H264 => KeyframeDetector.IsH264KeyframeStart(payload),
            _ => false,
        };
    }

    /// <summary>For a simulcast track as subscribers see it: its layers; null otherwise. Control plane sets it once.</summary>
    public SimulcastGroup? Simulcast { get; set; }

    /// <summary>For one layer of a simulcast track: the group it belongs to (its subscribers are the group owner's).</summary>
    public SimulcastGroup? LayerOf { get; init; }

    /// <summary>For a layer: its slot (the rid's position in the offer).</summary>
    public int LayerSlot { get; init; }

    private int _layerPixels;
    private long _layerBitrateBps;

    /// <summary>For a layer: width × height of its last VP8 keyframe, 0 until one was seen.</summary>
    public int LayerPixels
    {
        get => Volatile.Read(ref _layerPixels);
        set => Volatile.Write(ref _layerPixels, value);
    }

    /// <summary>For a layer: the bitrate it arrived at over the last periodic reading; 0 when it stopped.</summary>
    public long LayerBitrateBps
    {
        get => Volatile.Read(ref _layerBitrateBps);
        set => Volatile.Write(ref _layerBitrateBps, value);
    }
    public uint Ssrc { get; }
    public bool IsVideo { get; }
    public string Mid { get; }
    public string StreamId { get; }
    public string TrackId { get; }
    public int PayloadTypeHint { get; }
    public RetransmissionBuffer? Retransmissions { get; }
    public ReceiveStatistics Statistics { get; } = new();

    /// <summary>The SSRC of the server's RTX stream for this track (RFC 4588), announced to each receiver that
    /// negotiated RTX with <c>a=ssrc-group:FID</c>; NACKs from those receivers are answered on it.</summary>
    public uint ServerRtxSsrc { get; } = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);

    /// <summary>The publisher's own RTX SSRC (its a=ssrc-group:FID), or 0; set by the control plane.</summary>
    public uint PublisherRtxSsrc => Volatile.Read(ref _publisherRtxSsrc);

    /// <summary>For video: the gaps in what the publisher sent, to NACK it for (receive loop only, under
    /// <see cref="NackGate"/>).</summary>
    public NackGenerator? Nacks { get; }

    public Lock NackGate { get; } = new();

    /// <summary>When <see cref="Nacks"/> was last collected, in <see cref="BweClock"/> microseconds (under <see cref="NackGate"/>).</summary>
    public long LastNackCollectMicros { get; set; }

    /// <summary>Sets the publisher's RTX SSRC and its RTX payload types (rtx PT → the apt it repairs).</summary>
    public void SetPublisherRtx(uint rtxSsrc, IReadOnlyList<(int RtxPayloadType, int OriginalPayloadType)> payloadTypes)
    {
        byte[] table = CreateRtxTable();
        foreach ((int rtx, int original) in payloadTypes)
        {
            table[rtx & 0x7F] = (byte)original;
        }

        Volatile.Write(ref _rtxOriginalPayloadTypes, table);
        Volatile.Write(ref _publisherRtxSsrc, rtxSsrc);
    }

    /// <summary>The payload type an RTX payload type of the publisher repairs, or <see cref="RtpRewriteMap.NoPayloadType"/>.</summary>
    public byte OriginalPayloadTypeFor(int rtxPayloadType) => Volatile.Read(ref _rtxOriginalPayloadTypes)[rtxPayloadType & 0x7F];

    private static byte[] CreateRtxTable()
    {
        byte[] table = new byte[128];
        Array.Fill(table, RtpRewriteMap.NoPayloadType);
        return table;
    }

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
