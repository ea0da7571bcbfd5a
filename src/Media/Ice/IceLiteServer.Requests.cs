using System.Net;
using Doctolib.Telehealth.Media.Stun;

namespace Doctolib.Telehealth.Media.Ice;

/// <summary>Handling of one incoming binding request (RFC 8489 §6.3, RFC 8445 §7.3 as a lite, controlled agent).</summary>
internal sealed partial class IceLiteServer
{
    /// <summary>Handles one datagram (or one RFC 4571 frame) that may be STUN. Never throws on bad input.</summary>
    public IceBindingResult HandlePacket(ReadOnlySpan<byte> packet, IPEndPoint remote, IceTransport transport)
    {
        if (!StunMessage.TryParse(packet, out StunMessage? message))
        {
            return new IceBindingResult(IceBindingOutcome.NotStun);
        }

        if (!message.IsBindingRequest)
        {
            // Indications are keepalives; a lite agent sends no requests, so responses are stray.
            return Drop(IceDropReason.NotBindingRequest);
        }

        if (!message.HasFingerprint || !message.ValidateFingerprint())
        {
            return Drop(IceDropReason.BadFingerprint);
        }

        if (message.Username is null || !message.HasMessageIntegrity)
        {
            return Unauthenticated(message, 400, "Bad Request", IceDropReason.MissingCredentials);
        }

        int colon = message.Username.IndexOf(':', StringComparison.Ordinal);
        string localUfrag = colon < 0 ? message.Username : message.Username[..colon];
        IceSession? session;
        lock (_gate)
        {
            _byUfrag.TryGetValue(localUfrag, out session);
        }

        IceCredentials? credentials = session is null ? null
            : session.LocalCredentials.Ufrag == localUfrag ? session.LocalCredentials
            : session.PreviousCredentials;
        if (session is null || credentials is null || colon <= 0 || colon == message.Username.Length - 1)
        {
            return Unauthenticated(message, 401, "Unauthorized", IceDropReason.UnknownUsername);
        }

        if (!message.ValidateMessageIntegrity(credentials.Password))
        {
            return Unauthenticated(message, 401, "Unauthorized", IceDropReason.BadMessageIntegrity);
        }

        // Authenticated from here on: errors are answered, protected with the session's password.
        if (message.UnknownRequiredAttributes.Count > 0)
        {
            byte[] unknown = new StunMessageBuilder(StunMethod.Binding, StunClass.ErrorResponse, message.TransactionId)
                .AddErrorCode(420, "Unknown Attribute")
                .AddUnknownAttributes(message.UnknownRequiredAttributes)
                .Build(credentials.Password, fingerprint: true);
            return new IceBindingResult(IceBindingOutcome.Error, unknown, session, ErrorCode: 420);
        }

        if (message.IceControlled is not null && message.IceControlling is null)
        {
            // We are lite, hence controlled for good; a peer that also thinks it is controlled must switch (RFC 8445 §7.3.1.1).
            return AuthenticatedError(message, session, credentials, 487, "Role Conflict");
        }

        if (message.IceControlling is null || message.Priority is null)
        {
            return AuthenticatedError(message, session, credentials, 400, "Bad Request");
        }

        return Accept(message, session, credentials, IceEndPoints.Normalize(remote), transport);
    }

    private IceBindingResult Accept(StunMessage message, IceSession session, IceCredentials credentials, IPEndPoint remote, IceTransport transport)
    {
        DateTimeOffset now = _time.GetUtcNow();
        bool selectedChanged = false;
        bool consentRestored = false;
        lock (_gate)
        {
            if (session.Removed)
            {
                return Drop(IceDropReason.UnknownUsername);
            }

            if (ReferenceEquals(credentials, session.LocalCredentials) && session.PreviousCredentials is not null)
            {
                // The peer has moved to the restarted credentials: the old ufrag stops working.
                _byUfrag.Remove(session.PreviousCredentials.Ufrag);
                session.PreviousCredentials = null;
            }

            IceCandidatePair pair = FindOrAddPair(session, remote, transport, message.Priority!.Value, now);
            pair.LastValidRequestAt = now;
            pair.Priority = message.Priority.Value;
            if (message.UseCandidate && !ReferenceEquals(session.SelectedPair, pair))
            {
                if (session.SelectedPair is not null)
                {
                    session.SelectedPair.Nominated = false;
                }

                pair.Nominated = true;
                session.SelectedPair = pair;
                selectedChanged = true;
            }

            if (session.ConsentLost && ReferenceEquals(session.SelectedPair, pair))
            {
                session.ConsentLost = false;
                consentRestored = true;
            }
        }

        byte[] response = new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse, message.TransactionId)
            .AddXorMappedAddress(remote)
            .Build(credentials.Password, fingerprint: true);
        return new IceBindingResult(IceBindingOutcome.Success, response, session,
            Nominated: message.UseCandidate, SelectedPairChanged: selectedChanged, ConsentRestored: consentRestored);
    }

    private IceCandidatePair FindOrAddPair(IceSession session, IPEndPoint remote, IceTransport transport, uint priority, DateTimeOffset now)
    {
        IceCandidatePair? pair = session.FindPair(remote, transport);
        if (pair is not null)
        {
            return pair;
        }

        pair = new IceCandidatePair(remote, transport, priority, now);
        lock (session.PairList)
        {
            if (session.PairList.Count >= _options.MaxPairsPerSession)
            {
                IceCandidatePair? oldest = null;
                foreach (IceCandidatePair candidate in session.PairList)
                {
                    if (!ReferenceEquals(candidate, session.SelectedPair) && (oldest is null || candidate.LastValidRequestAt < oldest.LastValidRequestAt))
                    {
                        oldest = candidate;
                    }
                }

                if (oldest is not null)
                {
                    session.PairList.Remove(oldest);
                    _byRemote.Remove((oldest.RemoteEndPoint, oldest.Transport));
                }
            }

            session.PairList.Add(pair);
        }

        // A remote address belongs to one session: a peer that moved sessions (reload) takes it over.
        if (_byRemote.TryGetValue((remote, transport), out IceSession? previous) && !ReferenceEquals(previous, session))
        {
            IceCandidatePair? stale = previous.FindPair(remote, transport);
            if (stale is not null)
            {
                lock (previous.PairList)
                {
                    previous.PairList.Remove(stale);
                }

                if (ReferenceEquals(previous.SelectedPair, stale))
                {
                    previous.SelectedPair = null;
                }
            }
        }

        _byRemote[(remote, transport)] = session;
        return pair;
    }

    private IceBindingResult Unauthenticated(StunMessage message, int code, string reason, IceDropReason dropReason)
    {
        if (!_options.AnswerUnauthenticatedRequests)
        {
            return Drop(dropReason);
        }

        byte[] response = new StunMessageBuilder(StunMethod.Binding, StunClass.ErrorResponse, message.TransactionId)
            .AddErrorCode(code, reason)
            .Build(password: null, fingerprint: true);
        return new IceBindingResult(IceBindingOutcome.Error, response, DropReason: dropReason, ErrorCode: code);
    }

    private static IceBindingResult AuthenticatedError(StunMessage message, IceSession session, IceCredentials credentials, int code, string reason)
    {
        byte[] response = new StunMessageBuilder(StunMethod.Binding, StunClass.ErrorResponse, message.TransactionId)
            .AddErrorCode(code, reason)
            .Build(credentials.Password, fingerprint: true);
        return new IceBindingResult(IceBindingOutcome.Error, response, session, ErrorCode: code);
    }

    private static IceBindingResult Drop(IceDropReason reason) => new(IceBindingOutcome.Dropped, DropReason: reason);
}
