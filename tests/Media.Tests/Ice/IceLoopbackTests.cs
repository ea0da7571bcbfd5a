using System.Net;
using System.Net.Sockets;
using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Stun;
using Doctolib.Telehealth.Media.Testing;

namespace Doctolib.Telehealth.Media.Tests.Ice;

/// <summary>A controlling client and the lite server exchange real datagrams and RFC 4571 frames on 127.0.0.1.</summary>
public sealed class IceLoopbackTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly IceCredentials _server = IceCredentials.Generate();
    private readonly IceCredentials _client = IceCredentials.Generate();

    [Fact]
    public async Task Udp_BindingRequestWithUseCandidate_IsAnsweredAndSelectsTheClientAddress()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var ice = new IceLiteServer(TimeProvider.System, new IceLiteOptions());
        IceSession session = ice.AddSession("s1", _server);
        using var serverSocket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var clientSocket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var client = new IceControllingClient(_client, _server);
        byte[] request = client.CreateBindingRequest(IceCandidatePriority.Compute(110, 65535, 1), useCandidate: true, out StunTransactionId id);

        await clientSocket.SendAsync(request, (IPEndPoint)serverSocket.Client.LocalEndPoint!, cts.Token);
        UdpReceiveResult received = await serverSocket.ReceiveAsync(cts.Token);
        IceBindingResult result = ice.HandlePacket(received.Buffer, received.RemoteEndPoint, IceTransport.Udp);
        Assert.Equal(IceBindingOutcome.Success, result.Outcome);
        await serverSocket.SendAsync(result.Response, received.RemoteEndPoint, cts.Token);
        UdpReceiveResult response = await clientSocket.ReceiveAsync(cts.Token);

        IceCheckResult check = client.CheckResponse(response.Buffer, id);
        Assert.Equal(IceCheckStatus.Success, check.Status);
        Assert.Equal(clientSocket.Client.LocalEndPoint, check.MappedAddress);
        Assert.Equal(clientSocket.Client.LocalEndPoint, session.SelectedPair!.RemoteEndPoint);
    }

    [Fact]
    public async Task TcpPassive_FramedBindingRequest_IsAnsweredOverTheSameConnection()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var ice = new IceLiteServer(TimeProvider.System, new IceLiteOptions());
        IceSession session = ice.AddSession("s1", _server);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            using var clientTcp = new TcpClient();
            await clientTcp.ConnectAsync((IPEndPoint)listener.LocalEndpoint, cts.Token);
            using TcpClient serverTcp = await listener.AcceptTcpClientAsync(cts.Token);
            var client = new IceControllingClient(_client, _server);
            byte[] request = client.CreateBindingRequest(1, useCandidate: true, out StunTransactionId id);
            byte[] framed = IceTcpFraming.Frame(request);

            // Send in two pieces to exercise reassembly.
            NetworkStream clientStream = clientTcp.GetStream();
            await clientStream.WriteAsync(framed.AsMemory(0, 5), cts.Token);
            await clientStream.FlushAsync(cts.Token);
            await clientStream.WriteAsync(framed.AsMemory(5), cts.Token);

            byte[] frame = await ReadFrameAsync(serverTcp.GetStream(), cts.Token);
            IceBindingResult result = ice.HandlePacket(frame, (IPEndPoint)serverTcp.Client.RemoteEndPoint!, IceTransport.Tcp);
            Assert.Equal(IceBindingOutcome.Success, result.Outcome);
            await serverTcp.GetStream().WriteAsync(IceTcpFraming.Frame(result.Response), cts.Token);

            byte[] response = await ReadFrameAsync(clientStream, cts.Token);
            Assert.Equal(IceCheckStatus.Success, client.CheckResponse(response, id).Status);
            Assert.Equal(IceTransport.Tcp, session.SelectedPair!.Transport);
        }
        finally
        {
            listener.Stop();
        }
    }

    private static async Task<byte[]> ReadFrameAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var reader = new IceTcpFrameReader();
        byte[] buffer = new byte[512];
        while (true)
        {
            int read = await stream.ReadAsync(buffer, cancellationToken);
            Assert.True(read > 0, "the connection closed before a whole frame arrived");
            reader.Append(buffer.AsSpan(0, read));
            if (TryTake(reader, out byte[]? frame))
            {
                return frame;
            }
        }
    }

    private static bool TryTake(IceTcpFrameReader reader, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? frame)
    {
        frame = reader.TryReadFrame(out ReadOnlySpan<byte> payload) ? payload.ToArray() : null;
        return frame is not null;
    }
}
