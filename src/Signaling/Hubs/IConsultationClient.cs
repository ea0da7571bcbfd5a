using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.Rooms;

namespace Doctolib.Telehealth.Signaling.Hubs;

/// <summary>The events the hub sends to the clients of a room (ids only, never names).</summary>
public interface IConsultationClient
{
    Task ParticipantJoined(Guid appointmentId, ParticipantView participant);

    Task ParticipantLeft(Guid appointmentId, string participantId, DepartureReason reason);

    Task WaitingRoomChanged(Guid appointmentId, IReadOnlyList<ParticipantView> waiting);

    Task Admitted(Guid appointmentId, string participantId);

    Task ConsultationEnded(Guid appointmentId, EndReason reason);

    /// <summary>A media offer from the server (someone joined or left): answer with SendAnswer.</summary>
    Task Offer(Guid appointmentId, string sdp);

    /// <summary>The room's media moved to another node (a drain or a lost node): close the RTCPeerConnection and call
    /// SendOffer with a new one.</summary>
    Task MediaMoved(Guid appointmentId);

    Task ChatMessage(Guid appointmentId, string participantId, string text, DateTimeOffset at);

    /// <summary>A participant turned their microphone or camera off or on (so the others see a sign on its tile).</summary>
    Task MediaStateChanged(Guid appointmentId, string participantId, bool microphone, bool camera);

    /// <summary>The server stopped forwarding video to <paramref name="participantId"/> (its sound continues):
    /// <c>weak_connection</c> (its connection cannot carry video) or <c>audio_only_chosen</c>. Sent to the admitted
    /// participants, the one concerned included; sent again when one of them reconnects.</summary>
    Task VideoPaused(Guid appointmentId, string participantId, VideoPauseReason reason);

    /// <summary>The server forwards video to <paramref name="participantId"/> again.</summary>
    Task VideoResumed(Guid appointmentId, string participantId);

    /// <summary><paramref name="participantId"/>'s connection is now <c>good</c>, <c>fair</c> or <c>poor</c>, with what the
    /// reading was made of. Sent when it is first read, when it changes (worse at once, better after 5 s), and when a
    /// participant reconnects; to the admitted participants.</summary>
    Task ConnectionQualityChanged(Guid appointmentId, string participantId, ConnectionQualityLevel quality, ConnectionQualityDetails details);

    /// <summary>A payment event the person must know about (declined card, 3-D Secure to complete, captured).</summary>
    Task PaymentStatusChanged(Guid appointmentId, string status, string? message, string? clientSecret);
}
