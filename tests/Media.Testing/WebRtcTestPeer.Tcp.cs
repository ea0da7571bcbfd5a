using System.Buffers.Binary;
using System.Net.Sockets;
using Doctolib.Telehealth.Media.Ice;

namespace Doctolib.Telehealth.Media.Testing;

internal sealed partial class WebRtcTestPeer
{
    private readonly Lock _tcpSendGate = new();
    private readonly byte[] _tcpFrame = new byte[IceTcpFraming.PrefixLength + 4096];

    /// <summary>Sends one RFC 4571 frame (length prefix + packet) on the ICE-TCP connection.</summary>
    private void SendFrame(Socket socket, ReadOnlySpan<byte> datagram)
    {
        lock (_tcpSendGate)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_tcpFrame, (ushort)datagram.Length);
            datagram.CopyTo(_tcpFrame.AsSpan(IceTcpFraming.PrefixLength));
            socket.Send(_tcpFrame.AsSpan(0, IceTcpFraming.PrefixLength + datagram.Length));
        }
    }

    private async Task TcpReceiveLoopAsync(Socket socket, CancellationToken cancellationToken)
    {
        var reader = new IceTcpFrameReader();
        byte[] receive = new byte[16384];
        byte[] frame = new byte[4096];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                int read = await socket.ReceiveAsync(receive.AsMemory(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                reader.Append(receive.AsSpan(0, read));
                while (reader.TryReadFrame(out ReadOnlySpan<byte> payload))
                {
                    if (payload.Length == 0 || payload.Length > frame.Length)
                    {
                        continue;
                    }

                    payload.CopyTo(frame);
                    OnDatagram(frame.AsSpan(0, payload.Length));
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
