using Doctolib.Telehealth.Media;
using Microsoft.AspNetCore.SignalR;

namespace Doctolib.Telehealth.Signaling.Hubs;

/// <summary>Carries the media plane's re-offers to the participant's own connections (SignalR user = token subject),
/// and its notices about a participant's connection (video paused or resumed, quality) to the recipients it names:
/// the room's admitted participants.</summary>
internal sealed class SignalRMediaSink(IHubContext<ConsultationHub, IConsultationClient> hub) : IMediaSignalSink
{
    public Task SendOfferAsync(MediaParticipant participant, string offerSdp, CancellationToken cancellationToken) =>
        Guid.TryParse(participant.RoomId, out var appointmentId)
            ? hub.Clients.User(participant.ParticipantId).Offer(appointmentId, offerSdp)
            : Task.CompletedTask;

    public Task VideoPausedAsync(MediaParticipant participant, VideoPauseReason reason, IReadOnlyCollection<string> recipients,
        CancellationToken cancellationToken) =>
        Guid.TryParse(participant.RoomId, out var appointmentId)
            ? hub.Clients.Users(recipients).VideoPaused(appointmentId, participant.ParticipantId, reason)
            : Task.CompletedTask;

    public Task VideoResumedAsync(MediaParticipant participant, IReadOnlyCollection<string> recipients, CancellationToken cancellationToken) =>
        Guid.TryParse(participant.RoomId, out var appointmentId)
            ? hub.Clients.Users(recipients).VideoResumed(appointmentId, participant.ParticipantId)
            : Task.CompletedTask;

    public Task ConnectionQualityChangedAsync(MediaParticipant participant, ConnectionQualityLevel quality, ConnectionQualityDetails details,
        IReadOnlyCollection<string> recipients, CancellationToken cancellationToken) =>
        Guid.TryParse(participant.RoomId, out var appointmentId)
            ? hub.Clients.Users(recipients).ConnectionQualityChanged(appointmentId, participant.ParticipantId, quality, details)
            : Task.CompletedTask;
}
