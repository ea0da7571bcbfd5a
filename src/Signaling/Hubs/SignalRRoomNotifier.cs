using Doctolib.Telehealth.Rooms;
using Microsoft.AspNetCore.SignalR;

namespace Doctolib.Telehealth.Signaling.Hubs;

/// <summary>Pushes the Rooms module's changes to the room's SignalR group.</summary>
internal sealed class SignalRRoomNotifier(IHubContext<ConsultationHub, IConsultationClient> hub) : IRoomNotifier
{
    public Task ParticipantJoinedAsync(AppointmentId appointmentId, ParticipantView participant, CancellationToken cancellationToken) =>
        hub.Clients.Group(ConsultationHub.Group(appointmentId)).ParticipantJoined(appointmentId.Value, participant);

    public Task ParticipantLeftAsync(AppointmentId appointmentId, PersonId participantId, DepartureReason reason, CancellationToken cancellationToken) =>
        hub.Clients.Group(ConsultationHub.Group(appointmentId)).ParticipantLeft(appointmentId.Value, participantId.Value, reason);

    public Task WaitingRoomChangedAsync(AppointmentId appointmentId, IReadOnlyList<ParticipantView> waiting, CancellationToken cancellationToken) =>
        hub.Clients.Group(ConsultationHub.Group(appointmentId)).WaitingRoomChanged(appointmentId.Value, waiting);

    public Task AdmittedAsync(AppointmentId appointmentId, PersonId participantId, CancellationToken cancellationToken) =>
        hub.Clients.Group(ConsultationHub.Group(appointmentId)).Admitted(appointmentId.Value, participantId.Value);

    public Task ConsultationEndedAsync(AppointmentId appointmentId, EndReason reason, CancellationToken cancellationToken) =>
        hub.Clients.Group(ConsultationHub.Group(appointmentId)).ConsultationEnded(appointmentId.Value, reason);
}
