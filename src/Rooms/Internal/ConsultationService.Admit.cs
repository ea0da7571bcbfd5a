using System.Security.Cryptography;

namespace Doctolib.Telehealth.Rooms.Internal;

internal sealed partial class ConsultationService
{
    public async Task<RoomView> AdmitAsync(AppointmentId appointmentId, Caller practitioner, PersonId participantId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<ParticipantRow> participants;
        ConsultationState state;
        await using (var db = await Db.BeginAsync(dataSource, cancellationToken))
        {
            var appointment = await RequirePractitionerAsync(db, appointmentId, practitioner, cancellationToken);
            var consultation = await store.LockConsultationAsync(db, appointmentId, openAt: null, cancellationToken)
                ?? throw new RoomException(RoomErrors.NotWaiting, "Nobody is waiting: the room has not been opened yet.");
            RequireNotEnded(consultation);
            var target = (await store.ParticipantsAsync(db, appointmentId, cancellationToken)).Find(p => p.ParticipantId == participantId.Value);
            if (target is null || target.State != ParticipantState.Waiting)
            {
                throw new RoomException(RoomErrors.NotWaiting, $"Participant {participantId} is not in the waiting room.");
            }
            await store.SetParticipantStateAsync(db, appointmentId, participantId.Value, ParticipantState.Admitted, now, cancellationToken);
            await store.AppendAsync(db, appointmentId, now, TimelineKind.Admitted, participantId.Value, null, cancellationToken);
            state = consultation.State;
            if (target.Kind == ParticipantKind.Patient && consultation.State == ConsultationState.Open)
            {
                state = ConsultationState.InProgress;
                await store.StartAsync(db, appointmentId, now, cancellationToken);
                await store.AppendAsync(db, appointmentId, now, TimelineKind.ConsultationStarted, null, null, cancellationToken);
                await store.EnqueueAsync(db, new PatientAdmitted(
                    appointmentId, now, new PersonId(appointment.PatientId), new PersonId(appointment.PractitionerId),
                    new Money(appointment.PriceMinor, appointment.Currency.Trim()),
                    appointment.ToAppointment().Payer), cancellationToken);
            }
            participants = await store.ParticipantsAsync(db, appointmentId, cancellationToken);
            await db.CommitAsync(cancellationToken);
        }
        RoomsLog.Admitted(logger, appointmentId.Value, participantId.Value);
        supervisor.Wake();
        // The media plane first: the admitted participant offers as soon as it hears Admitted. Posted before the event,
        // the admitted set reaches the room's node (another node, maybe) before that offer, since a node runs a room's
        // calls in the order Redis took them; the other way round the offer could run first, and the participant's media
        // would wait, unrelayed, for the admitted set.
        await SyncMediaAsync(appointmentId, participants, cancellationToken);
        await notifier.AdmittedAsync(appointmentId, participantId, cancellationToken);
        await NotifyWaitingRoomAsync(appointmentId, participants, cancellationToken);
        return View(appointmentId, state, practitioner.Id, ParticipantKind.Practitioner, participants);
    }

    public async Task<Invitation> InviteAsync(AppointmentId appointmentId, Caller practitioner, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var guestId = new PersonId("guest-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        DateTimeOffset expiresAt;
        await using (var db = await Db.BeginAsync(dataSource, cancellationToken))
        {
            var appointment = await RequirePractitionerAsync(db, appointmentId, practitioner, cancellationToken);
            var consultation = await store.LockConsultationAsync(db, appointmentId, openAt: now, cancellationToken);
            RequireNotEnded(consultation);
            await store.UpsertParticipantAsync(db, appointmentId, guestId.Value, ParticipantKind.Guest, ParticipantState.Invited, false, null, now, cancellationToken);
            await store.AppendAsync(db, appointmentId, now, TimelineKind.Invited, guestId.Value, null, cancellationToken);
            await db.CommitAsync(cancellationToken);
            expiresAt = AppointmentRow.Utc(appointment.StartsAt) + TimeSpan.FromMinutes(appointment.DurationMinutes) + Options.JoinWindowAfter;
        }
        RoomsLog.Invited(logger, appointmentId.Value, guestId.Value);
        return new Invitation(appointmentId, guestId, expiresAt);
    }

    private async Task<AppointmentRow> RequirePractitionerAsync(Db db, AppointmentId appointmentId, Caller caller, CancellationToken cancellationToken)
    {
        var appointment = await RequireAppointmentAsync(db, appointmentId, cancellationToken);
        if (caller.Role != CallerRole.Practitioner || caller.Id.Value != appointment.PractitionerId)
        {
            throw new RoomException(RoomErrors.NotThePractitioner, "Only this appointment's practitioner can do that.");
        }
        return appointment;
    }
}
