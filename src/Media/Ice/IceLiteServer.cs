using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Doctolib.Telehealth.Media.Ice;

/// <summary>The server side of ICE-lite (RFC 8445 §2.5) for every session on one port. Binding requests are
/// routed by the local ufrag in USERNAME ("serverUfrag:clientUfrag"), authenticated with that session's password
/// (MESSAGE-INTEGRITY) and FINGERPRINT, and answered; the pairs they come from become valid, the nominated one
/// selected. Consent freshness (RFC 7675) is tracked on the selected pair. Thread-safe.</summary>
internal sealed partial class IceLiteServer
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IceSession> _byUfrag = new(StringComparer.Ordinal);
    private readonly Dictionary<(IPEndPoint, IceTransport), IceSession> _byRemote = [];
    private readonly TimeProvider _time;
    private readonly IceLiteOptions _options;

    public IceLiteServer(TimeProvider timeProvider, IceLiteOptions options)
    {
        _time = timeProvider;
        _options = options;
    }

    public int SessionCount
    {
        get
        {
            lock (_gate)
            {
                return _byUfrag.Count;
            }
        }
    }

    /// <summary>Registers a session with its local credentials. The ufrag must be unique on this server.</summary>
    public IceSession AddSession(string sessionId, IceCredentials credentials)
    {
        var session = new IceSession(sessionId, credentials);
        lock (_gate)
        {
            if (!_byUfrag.TryAdd(credentials.Ufrag, session))
            {
                throw new InvalidOperationException("The ICE ufrag is already registered on this server.");
            }
        }

        return session;
    }

    /// <summary>ICE restart: the session gets new credentials. The old ufrag keeps working until the peer sends a
    /// valid request with the new one; pairs and the selected pair are kept.</summary>
    public void RestartSession(IceSession session, IceCredentials newCredentials)
    {
        lock (_gate)
        {
            if (session.Removed)
            {
                throw new InvalidOperationException("The ICE session was removed.");
            }

            if (!_byUfrag.TryAdd(newCredentials.Ufrag, session))
            {
                throw new InvalidOperationException("The ICE ufrag is already registered on this server.");
            }

            if (session.PreviousCredentials is not null)
            {
                _byUfrag.Remove(session.PreviousCredentials.Ufrag);
            }

            session.PreviousCredentials = session.LocalCredentials;
            session.LocalCredentials = newCredentials;
        }
    }

    public bool RemoveSession(IceSession session)
    {
        lock (_gate)
        {
            if (session.Removed)
            {
                return false;
            }

            session.Removed = true;
            _byUfrag.Remove(session.LocalCredentials.Ufrag);
            if (session.PreviousCredentials is not null)
            {
                _byUfrag.Remove(session.PreviousCredentials.Ufrag);
            }

            foreach (IceCandidatePair pair in session.PairList)
            {
                _byRemote.Remove((pair.RemoteEndPoint, pair.Transport));
            }

            return true;
        }
    }

    /// <summary>The session a remote address has been validated for (it sent an authenticated binding request).
    /// Media from any other address must be dropped.</summary>
    public bool TryGetSessionByRemote(IPEndPoint remote, IceTransport transport, [NotNullWhen(true)] out IceSession? session)
    {
        lock (_gate)
        {
            return _byRemote.TryGetValue((IceEndPoints.Normalize(remote), transport), out session);
        }
    }

    /// <summary>Adds to <paramref name="lost"/> each session whose selected pair has gone
    /// <see cref="IceLiteOptions.ConsentTimeout"/> without a valid binding request, once per loss.
    /// Call it periodically (every second or so). Returns how many were added.</summary>
    public int CollectConsentLost(List<IceSession> lost)
    {
        DateTimeOffset now = _time.GetUtcNow();
        int added = 0;
        lock (_gate)
        {
            foreach (IceSession session in _byUfrag.Values)
            {
                IceCandidatePair? selected = session.SelectedPair;
                if (selected is null || session.ConsentLost || lost.Contains(session))
                {
                    continue;
                }

                if (now - selected.LastValidRequestAt >= _options.ConsentTimeout)
                {
                    session.ConsentLost = true;
                    lost.Add(session);
                    added++;
                }
            }
        }

        return added;
    }
}
