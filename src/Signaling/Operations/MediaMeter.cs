using System.Diagnostics.Metrics;
using Doctolib.Telehealth.Media;

namespace Doctolib.Telehealth.Signaling.Operations;

/// <summary>Publishes the media plane's counters as metrics (<c>telehealth_media_*</c> on /metrics).</summary>
internal sealed class MediaMeter
{
    public MediaMeter(IMeterFactory meters, IMediaMetrics media)
    {
        var meter = meters.Create("Doctolib.Telehealth.Media");
        meter.CreateObservableGauge("telehealth.media.sessions", () => media.Snapshot().Sessions, description: "Media sessions open");
        Counter(meter, "telehealth.media.rtp.received", "RTP packets received from publishers", () => media.Snapshot().RtpReceived);
        Counter(meter, "telehealth.media.rtp.forwarded", "RTP packets forwarded to subscribers", () => media.Snapshot().RtpForwarded);
        Counter(meter, "telehealth.media.bytes.received", "Bytes received on the media socket", () => media.Snapshot().BytesReceived);
        Counter(meter, "telehealth.media.retransmissions", "Packets resent to answer a NACK", () => media.Snapshot().Retransmissions);
        Counter(meter, "telehealth.media.keyframe_requests", "PLI/FIR passed to publishers", () => media.Snapshot().KeyframeRequestsForwarded);
        Counter(meter, "telehealth.media.stun.answered", "STUN binding requests answered", () => media.Snapshot().StunAnswered);
        Counter(meter, "telehealth.media.stun.rejected", "STUN binding requests refused", () => media.Snapshot().StunRejected);
        Counter(meter, "telehealth.media.dropped.malformed", "Datagrams dropped as malformed", () => media.Snapshot().DroppedMalformed);
        Counter(meter, "telehealth.media.dropped.unknown_source", "Datagrams dropped from sources that did not pass ICE", () => media.Snapshot().DroppedUnknownSource);
        Counter(meter, "telehealth.media.srtp.failures", "SRTP packets that failed authentication or replay checks", () => media.Snapshot().SrtpFailures);
        Counter(meter, "telehealth.media.send.errors", "Media socket send errors", () => media.Snapshot().SendErrors);
    }

    private static void Counter(Meter meter, string name, string description, Func<long> read) =>
        meter.CreateObservableCounter(name, read, description: description);
}
