using System.Net;
using System.Net.Sockets;

namespace Doctolib.Telehealth.Media.Transport;

/// <summary>The one UDP socket every media session shares. Bound at construction so the answer can carry its
/// port before the receive loop starts; the loop reuses one buffer and one <see cref="SocketAddress"/>.</summary>
internal sealed class UdpMediaSocket : IDisposable
{
    public const int MaxDatagram = 2048;
    private const int SocketBufferBytes = 4 * 1024 * 1024;

    [ThreadStatic]
    private static LinuxBatchIo? t_sendBatch;

    private readonly Socket _socket;
    private readonly MediaCounters _counters;

    public UdpMediaSocket(IPEndPoint bindEndPoint, MediaCounters counters)
    {
        _counters = counters;
        _socket = new Socket(bindEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.ReceiveBufferSize = SocketBufferBytes;
        _socket.SendBufferSize = SocketBufferBytes;
        _socket.Bind(bindEndPoint);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    public AddressFamily AddressFamily => LocalEndPoint.AddressFamily;

    /// <summary>Sends one datagram synchronously (a UDP send does not block on a healthy socket). Errors are
    /// counted, never thrown: a vanished peer must not stop the loop.</summary>
    public void Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        if (t_sendBatch is { } batch)
        {
            // On the batching receive thread: sent with one sendmmsg when the current receive batch is done.
            batch.Enqueue(_socket.SafeHandle.DangerousGetHandle(), datagram, destination, _counters);
            return;
        }

        try
        {
            _socket.SendTo(datagram, SocketFlags.None, destination);
        }
        catch (SocketException)
        {
            _counters.SendError();
        }
        catch (ObjectDisposedException)
        {
            _counters.SendError();
        }
    }

    /// <summary>Runs the receive loop on a dedicated thread with blocking <c>recvfrom</c> and returns a task that
    /// completes when it stops. Measured on the 2-core box, this costs far less CPU per packet than
    /// <see cref="RunReceiveLoopAsync"/>, whose epoll wake-ups and thread-pool hops dominate at 20k+ packets/s.</summary>
    public Task StartReceiveThread(IDatagramHandler handler, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                RunBlockingReceiveLoop(handler, cancellationToken);
                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "media-udp-receive",
        };
        thread.Start();
        return done.Task;
    }

    private void RunBlockingReceiveLoop(IDatagramHandler handler, CancellationToken cancellationToken)
    {
        if (BatchIo && LinuxBatchIo.IsSupported)
        {
            RunBatchReceiveLoop(handler, cancellationToken);
            return;
        }

        byte[] buffer = GC.AllocateArray<byte>(MaxDatagram, pinned: true);
        var source = new SocketAddress(AddressFamily);
        using CancellationTokenRegistration wake = cancellationToken.UnsafeRegister(static s => ((UdpMediaSocket)s!).WakeReceiver(), this);
        while (!cancellationToken.IsCancellationRequested)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer.AsSpan(), SocketFlags.None, source);
            }
            catch (SocketException)
            {
                // ICMP port unreachable from a peer that went away surfaces here; keep reading.
                _counters.SendError();
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if (length == 0)
            {
                continue; // nothing to read; also how WakeReceiver stops the wait
            }

            _counters.Received(length);
            try
            {
                handler.OnDatagram(buffer.AsSpan(0, length), source, queuedMicros: 0);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A malformed packet must never end the loop that serves every session.
                _counters.Malformed();
            }
        }
    }

    /// <summary>When set before the loop starts (benchmark), records per datagram the time from the kernel's receive
    /// stamp to the end of the sendmmsg that carried the batch's forwards: the latency the server adds.</summary>
    public LatencyHistogram? ForwardingLatency { get; set; }

    /// <summary>Use recvmmsg/sendmmsg on the dedicated receive thread (Linux x64).</summary>
    public bool BatchIo { get; init; } = true;

    private void RunBatchReceiveLoop(IDatagramHandler handler, CancellationToken cancellationToken)
    {
        using var receive = new LinuxBatchIo();
        using var send = new LinuxBatchIo();
        var source = new SocketAddress(AddressFamily);
        using CancellationTokenRegistration wake = cancellationToken.UnsafeRegister(static s => ((UdpMediaSocket)s!).WakeReceiver(), this);
        // Hold the handle so Dispose cannot close (and the OS reuse) the descriptor while this thread uses it.
        bool added = false;
        _socket.SafeHandle.DangerousAddRef(ref added);
        nint fd = _socket.SafeHandle.DangerousGetHandle();
        t_sendBatch = send;
        LatencyHistogram? latency = ForwardingLatency;
        LinuxBatchIo.EnableTimestamps(_socket);

        try
        {
            while (!cancellationToken.IsCancellationRequested && !Volatile.Read(ref _disposed))
            {
                int count = receive.Receive(fd, withTimestamps: true);
                for (int i = 0; i < count; i++)
                {
                    Span<byte> datagram = receive.Datagram(i);
                    if (datagram.IsEmpty)
                    {
                        continue; // nothing to read; also how WakeReceiver stops the wait
                    }

                    receive.CopySource(i, source);
                    _counters.Received(datagram.Length);
                    try
                    {
                        handler.OnDatagram(datagram, source, QueuedMicros(receive.KernelTimestampNs(i)));
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        // A malformed packet must never end the loop that serves every session.
                        _counters.Malformed();
                    }
                }

                if (send.PendingSends > 0)
                {
                    send.Flush(fd, _counters);
                }

                if (latency is not null && count > 0)
                {
                    RecordLatency(latency, receive, count);
                }
            }
        }
        finally
        {
            t_sendBatch = null;
            if (added)
            {
                _socket.SafeHandle.DangerousRelease();
            }
        }
    }

    /// <summary>The longest wait in the receive queue taken as real; a longer one means the wall clock stepped.</summary>
    private const long MaxQueuedMicros = 1_000_000;

    /// <summary>How long ago the kernel stamped a datagram (SO_TIMESTAMPNS, wall clock), 0 without a stamp. The transport
    /// feedback a publisher gets reports arrival times: taken when the loop reads the packet, a loop held up (a first
    /// packet's JIT, a loaded box) shows a train that arrived spread as one that arrived at once, and the sender's probe
    /// and delay measurements read nonsense from it.</summary>
    private static long QueuedMicros(long stampNs)
    {
        if (stampNs <= 0)
        {
            return 0;
        }

        long queued = (LinuxBatchIo.RealtimeNowNs() - stampNs) / 1000;
        return queued is < 0 or > MaxQueuedMicros ? 0 : queued;
    }

    private static void RecordLatency(LatencyHistogram latency, LinuxBatchIo receive, int count)
    {
        long nowNs = LinuxBatchIo.RealtimeNowNs();
        for (int i = 0; i < count; i++)
        {
            long stamp = receive.KernelTimestampNs(i);
            if (stamp > 0 && receive.Datagram(i) is { Length: > 12 } datagram && datagram[0] >= 128 && datagram[1] is < 192 or > 223)
            {
                latency.Record(Math.Max(0, (nowNs - stamp) / 1000));
            }
        }
    }

    /// <summary>Reads datagrams until cancelled and hands each to <paramref name="handler"/> on this loop.</summary>
    public async Task RunReceiveLoopAsync(IDatagramHandler handler, CancellationToken cancellationToken)
    {
        byte[] buffer = GC.AllocateArray<byte>(MaxDatagram, pinned: true);
        var source = new SocketAddress(AddressFamily);
        Memory<byte> memory = buffer;
        while (!cancellationToken.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveFromAsync(memory, SocketFlags.None, source, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // ICMP port unreachable from a peer that went away surfaces here on some stacks; keep reading.
                _counters.SendError();
                continue;
            }

            _counters.Received(length);
            try
            {
                handler.OnDatagram(buffer.AsSpan(0, length), source, queuedMicros: 0);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A malformed packet must never end the loop that serves every session.
                _counters.Malformed();
            }
        }
    }

    private bool _disposed;

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        WakeReceiver();
        _socket.Dispose();
    }

    /// <summary>The dedicated receive thread blocks with no timeout, so at rest it costs nothing; to stop it, an empty
    /// datagram to our own port wakes it and it sees the cancellation or the disposal.</summary>
    private void WakeReceiver()
    {
        IPAddress address = LocalEndPoint.Address;
        IPAddress target = address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : address;
        try
        {
            using var waker = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            waker.SendTo(ReadOnlySpan<byte>.Empty, SocketFlags.None, new IPEndPoint(target, LocalEndPoint.Port));
        }
        catch (SocketException)
        {
            // Best effort: without it the thread ends at the next datagram.
        }
    }
}
