using Doctolib.Telehealth.Media;
using Microsoft.AspNetCore.SignalR;

namespace Doctolib.Telehealth.Signaling.Hubs;

/// <summary>Carries the media plane's re-offers to the participant's own connections (SignalR user = token subject).</summary>
internal sealed class SignalRMediaSink(IHubContext<ConsultationHub, IConsultationClient> hub) : IMediaSignalSink
{
    public Task SendOfferAsync(MediaParticipant participant, string offerSdp, CancellationToken cancellationToken) =>
        Guid.TryParse(participant.RoomId, out var appointmentId)
            ? hub.Clients.User(participant.ParticipantId).Offer(appointmentId, offerSdp)
            : Task.CompletedTask;
}
