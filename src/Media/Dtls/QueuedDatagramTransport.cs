using Org.BouncyCastle.Tls;

namespace Doctolib.Telehealth.Media.Dtls;

/// <summary>BouncyCastle's view of the wire: datagrams the caller pushes in (already demultiplexed from the shared
/// UDP socket) are queued for the blocking handshake thread; datagrams BouncyCastle sends go to a callback.
/// The queue is bounded so a flood cannot grow memory.</summary>
internal sealed class QueuedDatagramTransport : DatagramTransport
{
    internal const int MaxQueued = 128;
    internal const int ReceiveLimit = 1500;

    /// <summary>Payload limit for one DTLS record datagram; 1200 keeps handshake flights under any path MTU.</summary>
    internal const int SendLimit = 1200;

    private readonly Queue<byte[]> _queue = new();
    private readonly object _gate = new();
    private readonly DtlsDatagramSender _send;
    private bool _closed;

    internal QueuedDatagramTransport(DtlsDatagramSender send)
    {
        _send = send;
    }

    private long _dropped;

    internal long Dropped => Interlocked.Read(ref _dropped);

    internal bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    internal bool HasPending
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count > 0;
            }
        }
    }

    /// <summary>Queues a copy of one datagram. False (and counted) when closed or full.</summary>
    internal bool Enqueue(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty || datagram.Length > ReceiveLimit)
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        byte[] copy = datagram.ToArray();
        lock (_gate)
        {
            if (_closed || _queue.Count >= MaxQueued)
            {
                Interlocked.Increment(ref _dropped);
                return false;
            }

            _queue.Enqueue(copy);
            Monitor.PulseAll(_gate);
            return true;
        }
    }

    public int GetReceiveLimit() => ReceiveLimit;

    public int GetSendLimit() => SendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    /// <summary>Waits up to <paramref name="waitMillis"/> (0 means forever, as BouncyCastle defines it) and returns
    /// -1 on timeout. Throws IOException once closed so a blocked handshake ends promptly (BouncyCastle would
    /// swallow a TlsTimeoutException and keep polling).</summary>
    public int Receive(Span<byte> buffer, int waitMillis)
    {
        byte[] datagram;
        lock (_gate)
        {
            long deadline = waitMillis > 0 ? Environment.TickCount64 + waitMillis : long.MaxValue;
            while (_queue.Count == 0)
            {
                if (_closed)
                {
                    throw new IOException("DTLS transport closed.");
                }

                long remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                {
                    return -1;
                }

                Monitor.Wait(_gate, (int)Math.Min(remaining, int.MaxValue));
            }

            if (_closed)
            {
                throw new IOException("DTLS transport closed.");
            }

            datagram = _queue.Dequeue();
        }

        int length = Math.Min(datagram.Length, buffer.Length);
        datagram.AsSpan(0, length).CopyTo(buffer);
        return length;
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (!IsClosed)
        {
            _send(buffer);
        }
    }

    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _queue.Clear();
            Monitor.PulseAll(_gate);
        }
    }
}
