namespace Doctolib.Telehealth.Media;

/// <summary>Counters of the media plane since the process started, for /metrics. Packets, not bytes, unless named.</summary>
public readonly record struct MediaMetricsSnapshot(
    int Sessions,
    long DatagramsReceived,
    long BytesReceived,
    long RtpReceived,
    long RtpForwarded,
    long Retransmissions,
    long KeyframeRequestsForwarded,
    long NacksReceived,
    long StunAnswered,
    long StunRejected,
    long DroppedMalformed,
    long DroppedUnknownSource,
    long SrtpFailures,
    long SendErrors);

/// <summary>Read access to the media plane's counters (registered by <c>AddMedia</c>).</summary>
public interface IMediaMetrics
{
    MediaMetricsSnapshot Snapshot();
}
