using System.Net;
using Doctolib.Telehealth.Media.Dtls;
using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>The SFU: one UDP socket, ICE-lite sessions, DTLS-SRTP, and forwarding among each room's admitted
/// participants. Control operations (offers, answers, admission) take one lock; the receive loop never does.</summary>
internal sealed partial class MediaPlane : IMediaPlane, IMediaMetrics, IDisposable
{
    private readonly Lock _gate = new();
    private readonly MediaOptions _options;
    private readonly ILogger _logger;
    private readonly DtlsCertificate _certificate;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IceLiteServer _ice;
    private readonly ServerTransportInfo _transport;

    /// <summary>Idle (infinite period) while there is no session; see <see cref="WakePeriodicLocked"/>.</summary>
    private readonly PeriodicTimer _periodic;
    private bool _periodicRunning;

    /// <param name="signalSink">Where server re-offers go (the signaling layer).</param>
    /// <param name="observer">Who hears of media up and down (the rooms layer's timeline).</param>
    public MediaPlane(MediaOptions options, IMediaSignalSink signalSink, IMediaObserver observer, TimeProvider time, ILoggerFactory? loggerFactory)
    {
        _options = options;
        Time = time;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Doctolib.Telehealth.Media.Plane");
        Counters = new MediaCounters();
        Socket = new UdpMediaSocket(new IPEndPoint(IPAddress.Parse(options.BindAddress), options.UdpPort), Counters);
        Sender = new UdpMediaSender(Socket);
        Sessions = new SessionRegistry(Socket);
        _periodic = new PeriodicTimer(Timeout.InfiniteTimeSpan, time);
        _certificate = DtlsCertificate.Shared;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _ice = new IceLiteServer(time, new IceLiteOptions { ConsentTimeout = options.ConsentTimeout });
        Events = new MediaEventPump(signalSink, observer, _logger);
        Forwarder = new RtpForwarder(Counters, time);
        Dispatcher = new PacketDispatcher(this);
        if (options.TcpPort is int tcpPort)
        {
            TcpListener = new IceTcpListener(new IPEndPoint(IPAddress.Parse(options.BindAddress), tcpPort), Counters);
        }

        _transport = new ServerTransportInfo(options.AdvertisedAddress, Socket.LocalEndPoint.Port, TcpListener?.LocalEndPoint.Port, _certificate.SdpFingerprint);
        Negotiator = new ReOfferNegotiator(Sessions, _transport, Events, Forwarder, _logger);
        MediaPlaneLog.Listening(_logger, Socket.LocalEndPoint.Port, options.AdvertisedAddress);
    }

    public MediaCounters Counters { get; }

    public UdpMediaSocket Socket { get; }

    /// <summary>The passive ICE-TCP listener, when <see cref="MediaOptions.TcpPort"/> is set.</summary>
    internal IceTcpListener? TcpListener { get; }

    public IPEndPoint LocalEndPoint => Socket.LocalEndPoint;

    internal TimeProvider Time { get; }

    internal UdpMediaSender Sender { get; }

    internal MediaEventPump Events { get; }

    internal RtpForwarder Forwarder { get; }

    internal PacketDispatcher Dispatcher { get; }

    internal ILogger Logger => _logger;

    internal SessionRegistry Sessions { get; }

    internal ReOfferNegotiator Negotiator { get; }

    internal IceLiteServer Ice => _ice;

    /// <summary>The live session of a participant, for tests and diagnostics.</summary>
    internal ParticipantSession? FindSession(MediaParticipant participant)
    {
        lock (_gate)
        {
            return Sessions.TryGet(participant, out ParticipantSession? session) ? session : null;
        }
    }

    /// <summary>Runs the receive loop, the event pump and the periodic work until cancelled, then ends every
    /// participant's relayed media at its last packet.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Task pump = Events.RunAsync(cancellationToken);
        Task loop = _options.AsyncReceiveLoop
            ? Socket.RunReceiveLoopAsync(Dispatcher, cancellationToken)
            : Socket.StartReceiveThread(Dispatcher, cancellationToken);
        Task periodic = RunPeriodicAsync(cancellationToken);
        Task tcp = TcpListener?.RunAsync(Dispatcher, cancellationToken) ?? Task.CompletedTask;
        try
        {
            await Task.WhenAll(pump, loop, periodic, tcp).ConfigureAwait(false);
        }
        finally
        {
            await StopRelayingAsync().ConfigureAwait(false);
        }
    }

    public MediaMetricsSnapshot Snapshot()
    {
        int sessions;
        lock (_gate)
        {
            sessions = Sessions.Count;
        }

        MediaCounters c = Counters;
        return new MediaMetricsSnapshot(sessions, c.DatagramsReceived, c.BytesReceived, c.RtpReceived, c.RtpForwarded, c.Retransmissions,
            c.KeyframeRequestsForwarded, c.NacksReceived, c.StunAnswered, c.StunRejected, c.DroppedMalformed, c.DroppedUnknownSource,
            c.SrtpFailures, c.SendErrors);
    }

    public void Dispose()
    {
        _periodic.Dispose();
        Socket.Dispose();
        TcpListener?.Dispose();
        lock (_gate)
        {
            foreach (ParticipantSession session in Sessions.All)
            {
                session.Dispose();
            }

            Sessions.Clear();
        }
    }
}
