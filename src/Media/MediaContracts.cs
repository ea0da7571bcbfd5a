namespace Doctolib.Telehealth.Media;

/// <summary>One participant's media session in one room. Both ids are opaque strings chosen by the caller
/// (the Rooms module uses the appointment id and the participant's token subject).</summary>
public readonly record struct MediaParticipant(string RoomId, string ParticipantId);

/// <summary>The server-side WebRTC media plane (an SFU). The signaling layer hands it SDP; it answers, re-offers
/// when the room's membership changes, and relays RTP only between participants the room has admitted.</summary>
public interface IMediaPlane
{
    /// <summary>Takes a browser's offer (JSEP, Unified Plan, BUNDLE, rtcp-mux) and returns the server's answer.
    /// A second offer from the same participant is a renegotiation or an ICE restart; the session is kept.
    /// Throws <see cref="MediaNegotiationException"/> for an offer the server cannot accept.</summary>
    Task<string> AcceptOfferAsync(MediaParticipant participant, string offerSdp, CancellationToken cancellationToken);

    /// <summary>Takes a participant's answer to an offer the server sent through <see cref="IMediaSignalSink"/>.</summary>
    Task AcceptAnswerAsync(MediaParticipant participant, string answerSdp, CancellationToken cancellationToken);

    /// <summary>Sets who in a room may exchange media. Media is relayed only among these participants.</summary>
    Task SetAdmittedAsync(string roomId, IReadOnlyCollection<string> participantIds, CancellationToken cancellationToken);

    /// <summary>Ends one participant's media session (left, reloaded, removed).</summary>
    Task CloseAsync(MediaParticipant participant, CancellationToken cancellationToken);

    /// <summary>Ends every media session of a room (the consultation ended).</summary>
    Task CloseRoomAsync(string roomId, CancellationToken cancellationToken);
}

/// <summary>Implemented by the signaling layer: carries the media plane's own offers to a participant's client.</summary>
public interface IMediaSignalSink
{
    Task SendOfferAsync(MediaParticipant participant, string offerSdp, CancellationToken cancellationToken);
}

/// <summary>Implemented by the room layer: learns when a participant's media is really relayed, for the timeline
/// that billing trusts. "Relayed" means the server forwarded the participant's RTP to at least one other admitted
/// participant; media that arrives and goes nowhere (the waiting room, a room of one) never counts.</summary>
public interface IMediaObserver
{
    /// <summary>The server started relaying the participant's media (the first packet forwarded after connect or
    /// after a gap).</summary>
    Task MediaUpAsync(MediaParticipant participant, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The server stopped relaying the participant's media; <paramref name="at"/> is the last packet it
    /// relayed, not the moment it noticed. <paramref name="reason"/> is snake_case: <c>media_stopped</c> (a gap),
    /// <c>consent_lapsed</c>, <c>dtls_closed</c>, <c>closed</c>, <c>room_closed</c>, <c>replaced_by_new_peer_connection</c>,
    /// <c>server_stopping</c>.</summary>
    Task MediaDownAsync(MediaParticipant participant, DateTimeOffset at, string reason, CancellationToken cancellationToken);

    /// <summary>Every <see cref="MediaOptions.RelayMarkInterval"/> while media is relayed: when each participant's media
    /// was last relayed. Persisted, it bounds what a crash can lose: the restart ends open intervals there.</summary>
    Task MediaRelayedAsync(IReadOnlyList<RelayMark> marks, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>When the server last relayed one participant's media.</summary>
public readonly record struct RelayMark(MediaParticipant Participant, DateTimeOffset LastRelayedAt);

/// <summary>An offer or answer the media plane refuses, with a message that says what is wrong (never the SDP itself).</summary>
public sealed class MediaNegotiationException(string message) : Exception(message);
