namespace Doctolib.Telehealth.Media;

/// <summary>Settings of the media plane, read from the <c>Media</c> configuration section.</summary>
public sealed class MediaOptions
{
    public const string SectionName = "Media";

    /// <summary>The address put in ICE candidates (what browsers send media to). Default 127.0.0.1.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>The local address the UDP (and TCP) socket binds. Default 127.0.0.1.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>The one UDP port every session shares. Default 5081; 0 picks an ephemeral port (tests).</summary>
    public int UdpPort { get; set; } = 5081;

    /// <summary>ICE-TCP passive port (RFC 6544); null disables TCP candidates, 0 picks an ephemeral port.</summary>
    public int? TcpPort { get; set; }

    /// <summary>How long a session keeps consent without a valid STUN binding request (RFC 7675: 30 s).</summary>
    public TimeSpan ConsentTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often consent is checked. Default 1 s.</summary>
    public TimeSpan ConsentCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a participant's media may go unrelayed before the timeline says its media is down (at the
    /// last packet relayed). Default 2 s: Opus sends at least every 400 ms even in silence.</summary>
    public TimeSpan RelayIdleTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the plane reports, for the timeline's persisted mark, when each participant's media was
    /// last relayed; a crash loses at most this much live media. Default 2 s.</summary>
    public TimeSpan RelayMarkInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Use <c>Socket.ReceiveFromAsync</c> on the thread pool instead of a dedicated thread with blocking
    /// receives. The dedicated thread is the default: it costs less CPU per packet (see bench/Media.Bench).</summary>
    public bool AsyncReceiveLoop { get; set; }

    /// <summary>A diagnostic: when set, each subscriber's downlink estimator is recorded in a file in this folder (packet
    /// sizes and send times, transport feedback, estimates; ids only) for offline replay. Default null (off).</summary>
    public string? BandwidthTraceDirectory { get; set; }

    /// <summary>Upper bound on concurrent participant sessions; offers past it are refused.</summary>
    public int MaxSessions { get; set; } = 1000;
}
