namespace Doctolib.Telehealth.Media.Plane;

/// <summary>What the server knows of the network between itself and this participant. The bandwidth estimators
/// write it; the quality classifier, the audio-only fallback and the publishers' bitrate cap read it.</summary>
internal sealed partial class ParticipantSession
{
    private long _downlinkEstimateBps;
    private long _uplinkEstimateBps;

    /// <summary>The estimated bitrate the server can send to this participant (its downlink), in bits per second;
    /// 0 while unknown (no transport feedback yet, or the peer did not negotiate transport-cc).</summary>
    public long DownlinkEstimateBps
    {
        get => Volatile.Read(ref _downlinkEstimateBps);
        set => Volatile.Write(ref _downlinkEstimateBps, value);
    }

    /// <summary>The bitrate last advertised to this participant as a publisher (REMB or what transport feedback lets its
    /// own estimator reach), in bits per second; 0 while unknown.</summary>
    public long UplinkEstimateBps
    {
        get => Volatile.Read(ref _uplinkEstimateBps);
        set => Volatile.Write(ref _uplinkEstimateBps, value);
    }

    /// <summary>The downlink estimate when it describes a limit of the path (it pushed back recently, see
    /// <see cref="Bwe.SubscriberBandwidth.IsConstrained"/>); 0 otherwise. Before a push-back the estimate only follows what
    /// the publishers chose to send (a sender with its camera off sends 40 kbps of audio), which says nothing of the
    /// network: the quality indicator and the audio-only fallback read this one. Without transport-cc it is whatever was
    /// written to <see cref="DownlinkEstimateBps"/> (nothing does today: 0).</summary>
    public long PathLimitedDownlinkBps => Downlink is { IsConstrained: false } ? 0 : DownlinkEstimateBps;
}
