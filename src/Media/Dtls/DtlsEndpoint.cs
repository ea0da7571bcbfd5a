using System.Diagnostics;
using Doctolib.Telehealth.Media.Srtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Doctolib.Telehealth.Media.Dtls;

/// <summary>One DTLS-SRTP association over a datagram path the caller owns. The caller pushes every DTLS datagram
/// it receives (first byte 20..63, RFC 7983) into <see cref="ReceiveDatagram"/> and sends what the endpoint hands to
/// its <see cref="DtlsDatagramSender"/>. BouncyCastle's handshake blocks, so it runs on its own long-running thread;
/// <see cref="HandshakeAsync"/> completes with the SRTP keys or throws <see cref="DtlsHandshakeException"/>.
/// After the handshake, DTLS records (retransmissions, close_notify, data-channel data) are processed on the
/// thread pool; application data is counted and discarded.</summary>
internal sealed class DtlsEndpoint : IDisposable
{
    /// <summary>Default limit for a whole handshake.</summary>
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly DtlsHandshakeProtocol _protocol;
    private readonly DtlsCertificate _certificate;
    private readonly QueuedDatagramTransport _transport;
    private readonly DtlsPeerState _state;
    private readonly ILogger _logger;
    private readonly TimeSpan _handshakeTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();

    private Task<DtlsResult>? _handshake;
    private DtlsTransport? _dtls;
    private int _draining;
    private long _applicationRecords;
    private long _rejected;
    private bool _disposed;

    public DtlsEndpoint(DtlsHandshakeProtocol protocol, DtlsCertificate localCertificate, DtlsFingerprint remoteFingerprint,
        DtlsDatagramSender send, ILogger<DtlsEndpoint>? logger = null, TimeSpan? handshakeTimeout = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(localCertificate);
        ArgumentNullException.ThrowIfNull(remoteFingerprint);
        ArgumentNullException.ThrowIfNull(send);
        _protocol = protocol;
        _certificate = localCertificate;
        _transport = new QueuedDatagramTransport(send);
        _handshakeTimeout = handshakeTimeout ?? DefaultHandshakeTimeout;
        if (_handshakeTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(handshakeTimeout), "The handshake timeout must be positive.");
        }

        _state = new DtlsPeerState(remoteFingerprint, (int)Math.Min(_handshakeTimeout.TotalMilliseconds, int.MaxValue));
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public DtlsRole Role => _protocol.Role;

    /// <summary>Completes (never faults) when the endpoint is done: the handshake failed, close_notify came from
    /// the peer, a later record was fatal, or <see cref="Close"/> was called.</summary>
    public Task Closed => _closed.Task;

    /// <summary>DTLS application data records received after the handshake (data channels are not supported).</summary>
    public long ApplicationDataRecords => Interlocked.Read(ref _applicationRecords);

    /// <summary>Datagrams dropped before BouncyCastle saw them: not well-formed DTLS records, queue full, oversized,
    /// or the endpoint closed.</summary>
    public long DroppedDatagrams => _transport.Dropped + Interlocked.Read(ref _rejected);

    /// <summary>RFC 7983: a first byte in 20..63 is DTLS.</summary>
    public static bool IsDtlsDatagram(ReadOnlySpan<byte> datagram) => !datagram.IsEmpty && datagram[0] is >= 20 and <= 63;

    /// <summary>Hands one received DTLS datagram to the endpoint; copies it. Never blocks, never throws for content.</summary>
    public void ReceiveDatagram(ReadOnlySpan<byte> datagram)
    {
        if (!DtlsRecordFilter.IsPlausible(datagram))
        {
            Interlocked.Increment(ref _rejected);
            return;
        }

        if (!_transport.Enqueue(datagram))
        {
            return;
        }

        if (Volatile.Read(ref _dtls) is not null)
        {
            ScheduleDrain();
        }
    }

    /// <summary>Runs the handshake once (later calls return the same task). Fails with
    /// <see cref="DtlsHandshakeException"/>: Timeout after the configured limit, Cancelled when the token fires or
    /// the endpoint closes, FingerprintMismatch, NoSrtpProfile, AlertReceived or ProtocolError.</summary>
    public Task<DtlsResult> HandshakeAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_disposed && _handshake is null)
            {
                return Task.FromException<DtlsResult>(new DtlsHandshakeException(DtlsFailure.Cancelled, Describe(DtlsFailure.Cancelled)));
            }

            _handshake ??= Task.Factory.StartNew(() => RunHandshake(cancellationToken), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
            return _handshake;
        }
    }

    /// <summary>Sends close_notify when connected and stops the endpoint. Idempotent.</summary>
    public void Close()
    {
        DtlsTransport? dtls;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            dtls = _dtls;
        }

        if (dtls is not null)
        {
            lock (_protocol.RecordLock)
            {
                try
                {
                    dtls.Close();
                }
                catch (Exception e) when (e is IOException or TlsException)
                {
                    // The peer may already be gone; closing is best effort.
                }
            }
        }

        _transport.Close();
        _closed.TrySetResult();
    }

    public void Dispose() => Close();

    private DtlsResult RunHandshake(CancellationToken cancellationToken)
    {
        DtlsLog.HandshakeStarting(_logger, Role);
        long started = Stopwatch.GetTimestamp();
        using var timeout = new CancellationTokenSource(_handshakeTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using CancellationTokenRegistration abort = linked.Token.Register(static t => ((QueuedDatagramTransport)t!).Close(), _transport);
        var crypto = new BcTlsCrypto(new SecureRandom());
        try
        {
            DtlsTransport dtls = _protocol.Run(crypto, _certificate, _state, _transport);
            linked.Token.ThrowIfCancellationRequested();
            if (_state.KeyingMaterial is not byte[] material || _state.SelectedProfile is not SrtpProfile profile)
            {
                throw new DtlsHandshakeException(DtlsFailure.NoSrtpProfile, "The handshake finished without SRTP keys.");
            }

            SrtpKeys keys = SrtpKeys.FromDtlsExport(profile, material, localIsDtlsClient: _protocol.Role == DtlsRole.Client);
            Array.Clear(material);
            lock (_gate)
            {
                if (_disposed)
                {
                    throw new OperationCanceledException("The endpoint was closed during the handshake.");
                }

                Volatile.Write(ref _dtls, dtls);
            }

            DtlsLog.HandshakeDone(_logger, Role, profile, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (_transport.HasPending)
            {
                ScheduleDrain();
            }

            return new DtlsResult(profile, keys, _state.ExpectedRemote);
        }
        catch (Exception e) when (e is not DtlsHandshakeException)
        {
            DtlsFailure failure = Classify(e, timeout.IsCancellationRequested, cancellationToken.IsCancellationRequested);
            DtlsLog.HandshakeFailed(_logger, Role, failure, e);
            _transport.Close();
            _closed.TrySetResult();
            throw new DtlsHandshakeException(failure, Describe(failure), e);
        }
        catch (DtlsHandshakeException e)
        {
            DtlsLog.HandshakeFailed(_logger, Role, e.Failure, e);
            _transport.Close();
            _closed.TrySetResult();
            throw;
        }
    }

    private DtlsFailure Classify(Exception e, bool timedOut, bool cancelled)
    {
        if (_state.Failure is DtlsFailure known)
        {
            return known;
        }

        if (cancelled || (_disposed && !timedOut))
        {
            return DtlsFailure.Cancelled;
        }

        if (timedOut || e is TlsTimeoutException)
        {
            return DtlsFailure.Timeout;
        }

        return _state.AlertReceived is not null ? DtlsFailure.AlertReceived : DtlsFailure.ProtocolError;
    }

    private static string Describe(DtlsFailure failure) => failure switch
    {
        DtlsFailure.Timeout => "The DTLS handshake did not complete in time.",
        DtlsFailure.Cancelled => "The DTLS handshake was cancelled.",
        DtlsFailure.FingerprintMismatch => "The peer's certificate does not match the fingerprint in its SDP.",
        DtlsFailure.NoSrtpProfile => "No common SRTP protection profile.",
        DtlsFailure.AlertReceived => "The peer aborted the DTLS handshake with a fatal alert.",
        _ => "The DTLS handshake failed.",
    };

    private void ScheduleDrain()
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static self => self.Drain(), this, preferLocal: false);
        }
    }

    /// <summary>Lets BouncyCastle process queued post-handshake records: it answers retransmitted flights,
    /// notices close_notify, and returns application data, which is discarded.</summary>
    private void Drain()
    {
        byte[] buffer = new byte[QueuedDatagramTransport.ReceiveLimit];
        while (true)
        {
            DtlsTransport? dtls = Volatile.Read(ref _dtls);
            while (dtls is not null && _transport.HasPending && !_closed.Task.IsCompleted)
            {
                try
                {
                    int received;
                    lock (_protocol.RecordLock)
                    {
                        received = dtls.Receive(buffer, 0, buffer.Length, 1);
                    }

                    if (received >= 0)
                    {
                        long count = Interlocked.Increment(ref _applicationRecords);
                        if ((count & (count - 1)) == 0)
                        {
                            DtlsLog.ApplicationDataDiscarded(_logger, Role, count);
                        }
                    }
                }
                catch (Exception)
                {
                    // Runs on the thread pool: nothing may escape. Any failure of a post-handshake record ends the association.
                    _state.MarkClosed();
                }

                if (_state.CloseNotified)
                {
                    DtlsLog.ClosedByPeer(_logger, Role);
                    _transport.Close();
                    _closed.TrySetResult();
                    break;
                }
            }

            Volatile.Write(ref _draining, 0);
            if (!_transport.HasPending || _closed.Task.IsCompleted || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
            {
                return;
            }
        }
    }
}
