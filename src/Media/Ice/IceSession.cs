using System.Net;

namespace Doctolib.Telehealth.Media.Ice;

/// <summary>The ICE state of one media session on the lite server: its local credentials (and the previous ones
/// during an ICE restart), the candidate pairs that passed a check, the selected pair and its consent.
/// Mutated only by <see cref="IceLiteServer"/> under its lock.</summary>
internal sealed class IceSession
{
    private readonly List<IceCandidatePair> _pairs = [];

    internal IceSession(string sessionId, IceCredentials credentials)
    {
        SessionId = sessionId;
        LocalCredentials = credentials;
    }

    /// <summary>The plane's opaque id for the session.</summary>
    public string SessionId { get; }
    public IceCredentials LocalCredentials { get; internal set; }

    /// <summary>Credentials before the last ICE restart, still accepted until the peer uses the new ones.</summary>
    public IceCredentials? PreviousCredentials { get; internal set; }

    /// <summary>The pair the controlling peer nominated last (USE-CANDIDATE), or null before nomination.</summary>
    public IceCandidatePair? SelectedPair { get; internal set; }

    /// <summary>True once the selected pair went <see cref="IceLiteOptions.ConsentTimeout"/> without a valid request;
    /// false again after the next valid request.</summary>
    public bool ConsentLost { get; internal set; }

    internal bool Removed { get; set; }

    internal List<IceCandidatePair> PairList => _pairs;

    /// <summary>A copy of the pairs that passed a check, oldest first.</summary>
    public IReadOnlyList<IceCandidatePair> GetPairs()
    {
        lock (_pairs)
        {
            return _pairs.ToArray();
        }
    }

    internal IceCandidatePair? FindPair(IPEndPoint remote, IceTransport transport)
    {
        foreach (IceCandidatePair pair in _pairs)
        {
            if (pair.Transport == transport && pair.RemoteEndPoint.Equals(remote))
            {
                return pair;
            }
        }

        return null;
    }
}
