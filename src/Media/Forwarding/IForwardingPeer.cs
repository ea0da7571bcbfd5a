using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Srtp;
using Doctolib.Telehealth.Media.Transport;

namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>What the forwarder needs of a participant's session, and nothing else: its keys, its path, whether it
/// is closed, the SSRC the server sends its RTCP as, and the tracks forwarded to it. Read on the receive loop without
/// locks.</summary>
internal interface IForwardingPeer
{
    SrtpSession? Srtp { get; }

    MediaPath? Path { get; }

    bool IsClosed { get; }

    /// <summary>The SSRC the server uses as RTCP sender toward this peer.</summary>
    uint ServerSsrc { get; }

    /// <summary>The tracks forwarded to this peer, by their SSRC. A peer's feedback (NACK, PLI, FIR, report blocks)
    /// is looked up here only, so it can name no track it does not receive.</summary>
    DownTrackSet Incoming { get; }

    /// <summary>The send side of transport-cc toward this peer (sequence numbers to stamp, its estimate), or null when the
    /// peer did not negotiate transport-cc.</summary>
    SubscriberBandwidth? Downlink { get; }

    /// <summary>True while the server forwards no video to this peer (audio only: chosen, or a weak downlink).</summary>
    bool VideoPaused { get; }

    /// <summary>The latest REMB this peer sent as a receiver (0 until it sends one).</summary>
    long PeekReceiverEstimate();
}
