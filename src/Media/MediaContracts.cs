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

    /// <summary>"Audio only" chosen (or given up) by the participant: while on, the server forwards no video
    /// <em>to</em> this participant (its audio, and what it publishes, are unchanged). The choice holds across a reload
    /// of the page (a new peer connection) until the participant leaves or the room closes, and may be made before the
    /// media session exists. The change is told through <see cref="IMediaSignalSink.VideoPausedAsync"/> /
    /// <see cref="IMediaSignalSink.VideoResumedAsync"/>.</summary>
    Task SetAudioOnlyAsync(MediaParticipant participant, bool audioOnly, CancellationToken cancellationToken);
}

/// <summary>Why the server stopped forwarding video to a participant (snake_case on the wire).</summary>
public enum VideoPauseReason
{
    /// <summary>The participant's downlink estimate stayed too low for video (about 150 kbps) for a few seconds.</summary>
    WeakConnection,

    /// <summary>The participant chose "audio only".</summary>
    AudioOnlyChosen,
}

/// <summary>A participant's connection as the pages show it (snake_case on the wire).</summary>
public enum ConnectionQualityLevel
{
    Good,
    Fair,
    Poor,
}

/// <summary>What a quality reading was made of; each is null while the server has no measure of it.</summary>
/// <param name="LossPercent">Packets lost, in percent: the worse of what the participant reports losing (RTCP receiver
/// reports) and what the server sees lost from it.</param>
/// <param name="RoundTripMs">Round-trip time between the server and the participant.</param>
/// <param name="JitterMs">Interarrival jitter the participant reports for the audio it receives.</param>
/// <param name="EstimateKbps">The bandwidth estimate (the lower of downlink and uplink, when known).</param>
public sealed record ConnectionQualityDetails(double? LossPercent, int? RoundTripMs, int? JitterMs, long? EstimateKbps);

/// <summary>Implemented by the signaling layer: carries the media plane's own offers and its notices about a
/// participant's connection to the clients. <c>recipients</c> are the room's admitted participant ids at the time
/// (always including the participant concerned).</summary>
public interface IMediaSignalSink
{
    Task SendOfferAsync(MediaParticipant participant, string offerSdp, CancellationToken cancellationToken);

    /// <summary>The server stopped forwarding video to <paramref name="participant"/> (its audio continues), or the reason
    /// changed. Sent again, unchanged, when a participant of the room reconnects, so its page learns the state.</summary>
    Task VideoPausedAsync(MediaParticipant participant, VideoPauseReason reason, IReadOnlyCollection<string> recipients,
        CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The server forwards video to <paramref name="participant"/> again (a keyframe was asked for).</summary>
    Task VideoResumedAsync(MediaParticipant participant, IReadOnlyCollection<string> recipients, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>The participant's connection quality changed (worse at once, better only after a few seconds of better
    /// readings), or was read for the first time, or a participant of the room reconnected.</summary>
    Task ConnectionQualityChangedAsync(MediaParticipant participant, ConnectionQualityLevel quality, ConnectionQualityDetails details,
        IReadOnlyCollection<string> recipients, CancellationToken cancellationToken) => Task.CompletedTask;
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
