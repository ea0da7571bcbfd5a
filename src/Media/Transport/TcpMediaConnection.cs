using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Doctolib.Telehealth.Media.Ice;

namespace Doctolib.Telehealth.Media.Transport;

/// <summary>One accepted ICE-TCP connection (RFC 6544, passive side): RFC 4571 frames in both directions.
/// Sends are serialized and bounded by a short timeout so a stalled peer cannot hold the forwarder.</summary>
internal sealed class TcpMediaConnection : MediaPath, IDisposable
{
    private readonly Socket _socket;
    private readonly MediaCounters _counters;
    private readonly Lock _sendGate = new();
    private readonly byte[] _sendBuffer = new byte[IceTcpFraming.PrefixLength + UdpMediaSocket.MaxDatagram + 64];

    public TcpMediaConnection(Socket socket, MediaCounters counters)
    {
        _socket = socket;
        _counters = counters;
        _socket.NoDelay = true;
        _socket.SendTimeout = 200;
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
    }

    public IPEndPoint RemoteEndPoint { get; }

    public Socket Socket => _socket;

    public override void Send(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length > UdpMediaSocket.MaxDatagram + 64)
        {
            _counters.SendError();
            return;
        }

        lock (_sendGate)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_sendBuffer, (ushort)datagram.Length);
            datagram.CopyTo(_sendBuffer.AsSpan(IceTcpFraming.PrefixLength));
            try
            {
                _socket.Send(_sendBuffer.AsSpan(0, IceTcpFraming.PrefixLength + datagram.Length));
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
    }

    public void Dispose() => _socket.Dispose();
}
