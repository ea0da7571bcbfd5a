using Doctolib.Telehealth.Media;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>The consultation lifecycle. Each transition runs in one transaction holding the consultation's row lock,
/// appends to the timeline (and the outbox where billing must know), commits, and only then tells the clients and
/// the media plane.</summary>
internal sealed partial class ConsultationService(
    NpgsqlDataSource dataSource,
    ConsultationStore store,
    IRoomNotifier notifier,
    IMediaPlane media,
    IOptions<RoomsOptions> options,
    TimeProvider time,
    RoomsMetrics metrics,
    SupervisorWakeup supervisor,
    ILogger<ConsultationService> logger) : IConsultationRooms
{
    private RoomsOptions Options => options.Value;

    public async Task<RoomView> GetViewAsync(AppointmentId appointmentId, Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await Db.BeginAsync(dataSource, cancellationToken);
        var appointment = await RequireAppointmentAsync(db, appointmentId, cancellationToken);
        var kind = Authorize(appointment, caller);
        var consultation = await store.LockConsultationAsync(db, appointmentId, openAt: null, cancellationToken);
        var participants = await store.ParticipantsAsync(db, appointmentId, cancellationToken);
        if (kind == ParticipantKind.Guest)
        {
            RequireInvited(participants, caller);
        }
        return View(appointmentId, consultation?.State ?? ConsultationState.Scheduled, caller.Id, kind, participants);
    }

    private async Task<AppointmentRow> RequireAppointmentAsync(Db db, AppointmentId appointmentId, CancellationToken cancellationToken)
    {
        var appointment = await store.AppointmentAsync(db, appointmentId, cancellationToken)
            ?? throw new RoomException(RoomErrors.AppointmentNotFound, $"There is no appointment {appointmentId}.");
        if (appointment.CancelledAt is not null)
        {
            throw new RoomException(RoomErrors.AppointmentCancelled, "This appointment was cancelled; its room is closed.");
        }
        return appointment;
    }

    /// <summary>Which part the caller plays in this appointment, or a refusal naming why not.</summary>
    private static ParticipantKind Authorize(AppointmentRow appointment, Caller caller)
    {
        switch (caller.Role)
        {
            case CallerRole.Patient when caller.Id.Value == appointment.PatientId:
                return ParticipantKind.Patient;
            case CallerRole.Patient:
                throw new RoomException(RoomErrors.NotThePatient, "You are not the patient of this appointment.");
            case CallerRole.Practitioner when caller.Id.Value == appointment.PractitionerId:
                return ParticipantKind.Practitioner;
            case CallerRole.Practitioner:
                throw new RoomException(RoomErrors.NotThePractitioner, "You are not the practitioner of this appointment.");
            case CallerRole.Guest when caller.InvitedTo == new AppointmentId(appointment.Id):
                return ParticipantKind.Guest;
            case CallerRole.Guest:
                throw new RoomException(RoomErrors.NotInvited, "Your invitation is for another appointment.");
            default:
                throw new RoomException(RoomErrors.RoleNotAllowed, "Your role cannot take part in a consultation: only the appointment's patient and practitioner and invited guests can.");
        }
    }

    private static void RequireInvited(List<ParticipantRow> participants, Caller caller)
    {
        if (!participants.Exists(p => p.ParticipantId == caller.Id.Value && p.Kind == ParticipantKind.Guest))
        {
            throw new RoomException(RoomErrors.NotInvited, "This invitation is not (or no longer) valid for this appointment.");
        }
    }

    private static void RequireNotEnded(ConsultationRow? consultation)
    {
        if (consultation?.State == ConsultationState.Ended)
        {
            throw new RoomException(RoomErrors.ConsultationEnded, "This consultation has ended.");
        }
    }

    private static RoomView View(AppointmentId appointmentId, ConsultationState state, PersonId me, ParticipantKind kind, List<ParticipantRow> participants)
    {
        var mine = participants.Find(p => p.ParticipantId == me.Value);
        return new RoomView(
            appointmentId,
            state,
            me,
            kind,
            mine is null ? ParticipantState.Left : mine.State,
            participants.Select(p => p.ToView()).ToList());
    }

    /// <summary>After a commit: the media plane relays only among admitted participants who are present or inside
    /// their reconnect grace (a signaling blip must not cut the media).</summary>
    private async Task SyncMediaAsync(AppointmentId appointmentId, List<ParticipantRow> participants, CancellationToken cancellationToken)
    {
        var admitted = participants.Where(p => p.Admitted && p.State is ParticipantState.Admitted or ParticipantState.Disconnected).Select(p => p.ParticipantId).ToList();
        await media.SetAdmittedAsync(appointmentId.ToString(), admitted, cancellationToken);
    }

    /// <summary>A participant whose reconnect grace expired: the media plane stops relaying them at once and ends
    /// their media session (its live media ends at the last packet relayed).</summary>
    internal async Task StopMediaAsync(AppointmentId appointmentId, PersonId participantId, CancellationToken cancellationToken)
    {
        List<ParticipantRow> participants;
        await using (var db = await Db.BeginAsync(dataSource, cancellationToken))
        {
            participants = await store.ParticipantsAsync(db, appointmentId, cancellationToken);
            await db.CommitAsync(cancellationToken);
        }
        await SyncMediaAsync(appointmentId, participants, cancellationToken);
        await media.CloseAsync(new MediaParticipant(appointmentId.ToString(), participantId.Value), cancellationToken);
    }

    private async Task NotifyWaitingRoomAsync(AppointmentId appointmentId, List<ParticipantRow> participants, CancellationToken cancellationToken)
    {
        var waiting = participants.Where(p => p.State == ParticipantState.Waiting).Select(p => p.ToView()).ToList();
        await notifier.WaitingRoomChangedAsync(appointmentId, waiting, cancellationToken);
    }
}
