using System.Net;
using System.Net.Sockets;
using Doctolib.Telehealth.Media.Ice;

namespace Doctolib.Telehealth.Media.Transport;

/// <summary>The passive ICE-TCP port (RFC 6544) for browsers whose network blocks UDP: accepts connections and
/// hands each RFC 4571 frame to the same handler the UDP loop uses.</summary>
internal sealed class IceTcpListener : IDisposable
{
    private const int MaxConnections = 4096;
    private readonly Socket _listener;
    private readonly MediaCounters _counters;
    private int _connections;

    public IceTcpListener(IPEndPoint bindEndPoint, MediaCounters counters)
    {
        _counters = counters;
        _listener = new Socket(bindEndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(bindEndPoint);
        _listener.Listen(256);
        LocalEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    public async Task RunAsync(ITcpFrameHandler handler, CancellationToken cancellationToken)
    {
        var connections = new List<Task>();
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                continue;
            }

            if (Interlocked.Increment(ref _connections) > MaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                accepted.Dispose();
                continue;
            }

            connections.RemoveAll(static t => t.IsCompleted);
            connections.Add(ServeAsync(new TcpMediaConnection(accepted, _counters), handler, cancellationToken));
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    private async Task ServeAsync(TcpMediaConnection connection, ITcpFrameHandler handler, CancellationToken cancellationToken)
    {
        var reader = new IceTcpFrameReader();
        byte[] receive = new byte[8192];
        byte[] frame = new byte[UdpMediaSocket.MaxDatagram];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                int read = await connection.Socket.ReceiveAsync(receive.AsMemory(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                reader.Append(receive.AsSpan(0, read));
                while (reader.TryReadFrame(out ReadOnlySpan<byte> payload))
                {
                    _counters.Received(payload.Length);
                    if (payload.Length > frame.Length)
                    {
                        _counters.Malformed();
                        continue;
                    }

                    payload.CopyTo(frame);
                    try
                    {
                        handler.OnFrame(frame.AsSpan(0, payload.Length), connection);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        // Same rule as the UDP loop: one bad frame never ends the connection's service.
                        _counters.Malformed();
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            handler.OnClosed(connection);
            connection.Dispose();
            Interlocked.Decrement(ref _connections);
        }
    }

    public void Dispose() => _listener.Dispose();
}

/// <summary>Receives the frames of ICE-TCP connections.</summary>
internal interface ITcpFrameHandler
{
    void OnFrame(Span<byte> frame, TcpMediaConnection connection);

    void OnClosed(TcpMediaConnection connection);
}
