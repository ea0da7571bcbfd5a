using System.Net;
using System.Net.Sockets;
using Doctolib.Telehealth.Media.Ice;

namespace Doctolib.Telehealth.Media.Testing;

internal sealed partial class WebRtcTestPeer
{
    /// <summary>Begins an ICE restart (RFC 8445 §9, JSEP): new local ufrag and password, and the offer that carries
    /// them. Until <see cref="CompleteIceRestartAsync"/> runs, checks and consent keep using the old credentials.</summary>
    public string CreateIceRestartOffer()
    {
        IceCredentials fresh = IceCredentials.Generate();
        _pendingIceCredentials = fresh;
        TestPeerIdentity restarted = Identity with { IceUfrag = fresh.Ufrag, IcePwd = fresh.Password };
        return TestPeerSdp.BuildOffer(restarted, _options.Audio, _options.Video);
    }

    /// <summary>Applies the server's answer to the restart offer: switches to the new credentials on both sides and
    /// runs a nominating check with them; DTLS and SRTP are kept. With <paramref name="moveToNewPort"/> the peer first
    /// binds a new local UDP port and closes the old one, as after a network change.</summary>
    public async Task CompleteIceRestartAsync(string answerSdp, bool moveToNewPort, CancellationToken cancellationToken)
    {
        IceCredentials local = _pendingIceCredentials ?? throw new InvalidOperationException("Call CreateIceRestartOffer first.");
        if (moveToNewPort && _tcp is not null)
        {
            throw new InvalidOperationException("Moving to a new port is a UDP scenario.");
        }

        ServerDescription server = TestPeerSdp.ReadServer(answerSdp);
        _pendingIceCredentials = null;
        _iceCredentials = local;
        Identity = Identity with { IceUfrag = local.Ufrag, IcePwd = local.Password };
        if (moveToNewPort)
        {
            MoveToNewPort();
        }

        Volatile.Write(ref _ice, new IceControllingClient(local, new IceCredentials(server.IceUfrag, server.IcePwd)));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        await RunIceAsync(useCandidate: true, timeout.Token).ConfigureAwait(false);
        IceRestarts++;
    }

    /// <summary>How many ICE restarts completed.</summary>
    public int IceRestarts { get; private set; }

    private void MoveToNewPort()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.ReceiveBufferSize = 1024 * 1024;
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Socket old = Interlocked.Exchange(ref _socket, socket);
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        Task oldLoop = _receiveLoop;
        _receiveLoop = Task.WhenAll(oldLoop, ReceiveLoopAsync(socket, _stop.Token));
        old.Dispose();
    }
}
