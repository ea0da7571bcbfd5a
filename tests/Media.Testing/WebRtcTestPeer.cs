using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Doctolib.Telehealth.Media.Dtls;
using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Srtp;
using Doctolib.Telehealth.Media.Stun;

namespace Doctolib.Telehealth.Media.Testing;

/// <summary>The client half of our own WebRTC stack, for tests and the benchmark: it offers like a browser, runs
/// ICE as the controlling agent (USE-CANDIDATE), DTLS as the client, publishes synthetic Opus-like audio and
/// VP8-like video over SRTP, and counts what the server forwards to it. Loopback only.</summary>
internal sealed partial class WebRtcTestPeer : IAsyncDisposable
{
    private const int AudioClock = 960;
    private const int VideoClockPerTick = 1800;

    private Socket _socket;
    private readonly TestPeerOptions _options;
    private readonly DtlsCertificate _certificate;
    private IceCredentials _iceCredentials;
    private IceCredentials? _pendingIceCredentials;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<uint, ReceivedStream> _streams = new();
    private readonly ConcurrentDictionary<uint, int> _discard = new();
    private readonly Lock _sendGate = new();
    private readonly byte[] _sendBuffer = new byte[2048];
    private Task _receiveLoop;
    private IPEndPoint? _server;
    private SocketAddress? _serverAddress;
    private IceControllingClient? _ice;
    private DtlsEndpoint? _dtls;
    private SrtpSession? _srtp;
    private TaskCompletionSource<bool>? _iceDone;
    private StunTransactionId _pendingCheck;
    private ITimer? _consentTimer;
    private ITimer? _feedbackTimer;
    private Socket? _tcp;
    private Task? _tcpLoop;
    private ushort _audioSequence;
    private ushort _videoSequence;
    private uint _audioTimestamp;
    private uint _videoTimestamp;

    /// <summary>When the last tick went out (Stopwatch ticks), 0 before the first: <see cref="SkipIdleTicks"/> reads it.</summary>
    private long _lastTickSent;
    private bool _sendKeyframe = true;
    private long _plisReceived;
    private long _nacksReceived;
    private long _lastRemb;
    private long _senderReports;
    private long _receiverReports;
    private long _garbageAfterConnect;

    private WebRtcTestPeer(string name, TestPeerOptions options)
    {
        Name = name;
        _options = options;
        _certificate = DtlsCertificate.Create(TimeProvider.System);
        _iceCredentials = IceCredentials.Generate();
        uint audio = options.AudioSsrc ?? (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
        uint video = options.VideoSsrc ?? (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
        Identity = new TestPeerIdentity(RandomNumberGenerator.GetInt32(1, int.MaxValue), "stream-" + name, "cname-" + name,
            _iceCredentials.Ufrag, _iceCredentials.Password, _certificate.SdpFingerprint, audio, video,
            options.AudioPayloadType, options.VideoPayloadType, options.TransportWideCcExtensionId, options.RtxPayloadType,
            (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue));
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.ReceiveBufferSize = 1024 * 1024;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _receiveLoop = ReceiveLoopAsync(_socket, _stop.Token);
    }

    public string Name { get; }
    public TestPeerIdentity Identity { get; private set; }
    public IPEndPoint LocalEndPoint { get; private set; }
    public uint AudioSsrc => Identity.AudioSsrc;
    public uint VideoSsrc => Identity.VideoSsrc;
    public bool IsConnected => Volatile.Read(ref _srtp) is not null;
    public long PlisReceived => Interlocked.Read(ref _plisReceived);
    public long NacksReceived => Interlocked.Read(ref _nacksReceived);
    public long LastRembBps => Interlocked.Read(ref _lastRemb);
    public long SenderReportsReceived => Interlocked.Read(ref _senderReports);
    public long ReceiverReportsReceived => Interlocked.Read(ref _receiverReports);
    public long UndecryptablePackets => Interlocked.Read(ref _garbageAfterConnect);
    public long PacketsSent { get; private set; }

    public static WebRtcTestPeer Create(string name, TestPeerOptions? options = null) => new(name, options ?? new TestPeerOptions());

    public string CreateOffer() => TestPeerSdp.BuildOffer(Identity, _options.Audio, _options.Video);

    /// <summary>Answers a server re-offer (its sendonly sections become recvonly), learning the server's RTX SSRCs.</summary>
    public string AnswerOffer(string offerSdp)
    {
        foreach ((uint rtx, uint media) in TestPeerSdp.ReadRtxSsrcs(offerSdp))
        {
            _serverRtx[rtx] = media;
        }

        return TestPeerSdp.BuildAnswer(offerSdp, Identity);
    }

    public ReceivedStream? Stream(uint ssrc) => _streams.TryGetValue(ssrc, out ReceivedStream? s) ? s : null;

    public IReadOnlyCollection<ReceivedStream> Streams => _streams.Values.ToArray();

    /// <summary>Runs ICE (nominating the server's host candidate) and the DTLS client handshake.</summary>
    public async Task ConnectAsync(string answerSdp, CancellationToken cancellationToken)
    {
        ServerDescription server = TestPeerSdp.ReadServer(answerSdp);
        if (_options.UseTcp)
        {
            IPEndPoint tcp = server.TcpCandidate ?? throw new InvalidOperationException("The server offered no passive TCP candidate.");
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(tcp, cancellationToken).ConfigureAwait(false);
            _tcp = socket;
            _tcpLoop = TcpReceiveLoopAsync(socket, _stop.Token);
        }
        else
        {
            _server = server.UdpCandidate;
            _serverAddress = _server.Serialize();
        }

        _ice = new IceControllingClient(_iceCredentials, new IceCredentials(server.IceUfrag, server.IcePwd));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        await RunIceAsync(useCandidate: true, timeout.Token).ConfigureAwait(false);

        var dtls = new DtlsEndpoint(new DtlsClientHandshake(), _certificate, DtlsFingerprint.Parse(server.Fingerprint), SendDatagram);
        _dtls = dtls;
        DtlsResult result = await dtls.HandshakeAsync(timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
        Volatile.Write(ref _srtp, result.CreateSrtpSession());
        TimeSpan feedbackInterval = TimeSpan.FromMicroseconds(FeedbackIntervalMicros);
        _feedbackTimer ??= TimeProvider.System.CreateTimer(static state => ((WebRtcTestPeer)state!).FlushTransportFeedback(), this, feedbackInterval, feedbackInterval);
        if (_options.ConsentInterval is { } interval)
        {
            _consentTimer = TimeProvider.System.CreateTimer(static state => ((WebRtcTestPeer)state!).SendConsent(), this, interval, interval);
        }
    }

    /// <summary>Stops sending consent checks, as a peer that vanished would.</summary>
    public void StopConsent()
    {
        _consentTimer?.Dispose();
        _consentTimer = null;
    }

    /// <summary>Drops the next packet of <paramref name="ssrc"/> before decrypting it and NACKs it, so the server's
    /// retransmission is the only way it can arrive.</summary>
    public void DiscardNextAndNack(uint ssrc) => _discard[ssrc] = -1;

    public void SendRaw(ReadOnlySpan<byte> datagram) => SendDatagram(datagram);

    private async Task RunIceAsync(bool useCandidate, CancellationToken cancellationToken)
    {
        uint priority = IceCandidatePriority.Compute(IceCandidatePriority.HostTypePreference, 65535, 1);
        while (true)
        {
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            byte[] request = _ice!.CreateBindingRequest(priority, useCandidate, out StunTransactionId transaction);
            _pendingCheck = transaction;
            Volatile.Write(ref _iceDone, done);
            SendDatagram(request);
            try
            {
                bool ok = await done.Task.WaitAsync(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
                if (ok)
                {
                    return;
                }

                throw new InvalidOperationException("The server answered the ICE check with an error.");
            }
            catch (TimeoutException)
            {
                // Retransmit the check (RFC 8445 §14.3 pacing is irrelevant on loopback).
            }
        }
    }

    private void SendConsent()
    {
        if (_ice is null)
        {
            return;
        }

        uint priority = IceCandidatePriority.Compute(IceCandidatePriority.HostTypePreference, 65535, 1);
        byte[] request = _ice.CreateBindingRequest(priority, useCandidate: false, out _);
        SendDatagram(request);
    }

    private void SendDatagram(ReadOnlySpan<byte> datagram)
    {
        try
        {
            if (_tcp is { } tcp)
            {
                SendFrame(tcp, datagram);
            }
            else if (_serverAddress is not null)
            {
                Volatile.Read(ref _socket).SendTo(datagram, SocketFlags.None, _serverAddress);
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        StopConsent();
        _feedbackTimer?.Dispose();
        await _stop.CancelAsync().ConfigureAwait(false);
        _dtls?.Dispose();
        _socket.Dispose();
        _tcp?.Dispose();
        if (_tcpLoop is not null)
        {
            await _tcpLoop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }

        try
        {
            await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        _srtp?.Dispose();
        _stop.Dispose();
    }

    private static long Now() => Stopwatch.GetTimestamp();
}
