using System.Collections.Concurrent;
using System.Net;
using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Transport;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Where the plane finds a session: by participant (control plane, under the plane's lock), and by ICE
/// session, UDP source address or ICE-TCP connection (the receive loop, lock-free). Binding a path to a session
/// happens only once ICE has authenticated it.</summary>
internal sealed class SessionRegistry(UdpMediaSocket socket)
{
    private readonly Dictionary<MediaParticipant, ParticipantSession> _byParticipant = new();
    private readonly ConcurrentDictionary<IceSession, ParticipantSession> _byIce = new();
    private readonly ConcurrentDictionary<SocketAddressKey, ParticipantSession> _byAddress = new();
    private readonly ConcurrentDictionary<TcpMediaConnection, ParticipantSession> _byConnection = new();

    /// <summary>Sessions by participant. Caller holds the plane's lock.</summary>
    public int Count => _byParticipant.Count;

    /// <summary>Caller holds the plane's lock.</summary>
    public Dictionary<MediaParticipant, ParticipantSession>.ValueCollection All => _byParticipant.Values;

    /// <summary>Caller holds the plane's lock.</summary>
    public bool TryGet(MediaParticipant participant, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ParticipantSession? session) =>
        _byParticipant.TryGetValue(participant, out session);

    /// <summary>Caller holds the plane's lock.</summary>
    public void Add(ParticipantSession session)
    {
        _byParticipant[session.Participant] = session;
        _byIce[session.Ice] = session;
    }

    /// <summary>Forgets the session and every path bound to it. Caller holds the plane's lock.</summary>
    public void Remove(ParticipantSession session)
    {
        _byParticipant.Remove(session.Participant);
        _byIce.TryRemove(new KeyValuePair<IceSession, ParticipantSession>(session.Ice, session));
        Unbind(session);
    }

    /// <summary>Forgets every session (the plane is being disposed). Caller holds the plane's lock.</summary>
    public void Clear()
    {
        _byParticipant.Clear();
        _byIce.Clear();
        _byAddress.Clear();
        _byConnection.Clear();
    }

    public ParticipantSession? FindByIce(IceSession ice) => _byIce.TryGetValue(ice, out ParticipantSession? s) ? s : null;

    public ParticipantSession? FindByAddress(SocketAddress address) =>
        SocketAddressKey.TryCreate(address, out SocketAddressKey key) && _byAddress.TryGetValue(key, out ParticipantSession? s) ? s : null;

    /// <summary>The session an ICE-TCP connection carries, when that connection is still the session's path.</summary>
    public ParticipantSession? FindByConnection(TcpMediaConnection connection) =>
        _byConnection.TryGetValue(connection, out ParticipantSession? s) && ReferenceEquals(s.Path, connection) ? s : null;

    /// <summary>Makes an authenticated UDP source address the session's path (called on the loop).</summary>
    public void BindAddress(ParticipantSession session, SocketAddress source)
    {
        if (session.RemoteAddress is { } current && current.Equals(source))
        {
            return;
        }

        if (!SocketAddressKey.TryCreate(source, out SocketAddressKey key))
        {
            return;
        }

        var copy = new SocketAddress(source.Family, source.Size);
        source.Buffer.CopyTo(copy.Buffer);
        Unbind(session);
        _byAddress[key] = session;
        session.SetPath(new UdpPath(socket, copy));
    }

    /// <summary>Makes an ICE-TCP connection the session's path once ICE authenticated a request on it.</summary>
    public void BindConnection(ParticipantSession session, TcpMediaConnection connection)
    {
        if (ReferenceEquals(session.Path, connection))
        {
            return;
        }

        Unbind(session);
        _byConnection[connection] = session;
        session.SetPath(connection);
    }

    /// <summary>The connection closed: the session it carried loses its path.</summary>
    public void OnConnectionClosed(TcpMediaConnection connection)
    {
        if (_byConnection.TryRemove(connection, out ParticipantSession? session) && ReferenceEquals(session.Path, connection))
        {
            session.ClearPath();
        }
    }

    /// <summary>Drops the session's path (consent lapsed, path changed, session removed).</summary>
    public void Unbind(ParticipantSession session)
    {
        MediaPath? path = session.Path;
        if (path is UdpPath udp && SocketAddressKey.TryCreate(udp.Address, out SocketAddressKey key))
        {
            _byAddress.TryRemove(new KeyValuePair<SocketAddressKey, ParticipantSession>(key, session));
        }
        else if (path is TcpMediaConnection connection)
        {
            _byConnection.TryRemove(new KeyValuePair<TcpMediaConnection, ParticipantSession>(connection, session));
        }

        session.ClearPath();
    }
}
