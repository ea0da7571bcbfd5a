namespace Doctolib.Telehealth.Rooms.Internal;

internal sealed partial class ConsultationService
{
    /// <summary>The unbillable reason stored for a consultation whose appointment was cancelled (a code, not a
    /// practitioner's words).</summary>
    public const string CancelledReason = "appointment_cancelled";

    public async Task EndAsync(AppointmentId appointmentId, Caller practitioner, bool billable, string? unbillableReason, CancellationToken cancellationToken)
    {
        if (!billable && string.IsNullOrWhiteSpace(unbillableReason))
        {
            throw new RoomException(RoomErrors.ReasonRequired, "Say why this consultation is not billable (a short reason is required).");
        }
        await using (var db = await Db.BeginAsync(dataSource, cancellationToken))
        {
            var appointment = await RequirePractitionerAsync(db, appointmentId, practitioner, cancellationToken);
            var consultation = await store.LockConsultationAsync(db, appointmentId, openAt: null, cancellationToken)
                ?? throw new RoomException(RoomErrors.NotInRoom, "This consultation has not started: nobody has joined its room.");
            RequireNotEnded(consultation);
            await FinishAsync(db, appointment, consultation, EndReason.EndedByPractitioner, billable, billable ? null : unbillableReason!.Trim(), cancellationToken);
            await db.CommitAsync(cancellationToken);
        }
        await AfterEndAsync(appointmentId, EndReason.EndedByPractitioner, cancellationToken);
    }

    /// <summary>Ends an open or running consultation whose appointment was cancelled; nothing to do otherwise.</summary>
    public Task EndBecauseCancelledAsync(AppointmentId appointmentId, CancellationToken cancellationToken) =>
        EndAutomaticallyAsync(appointmentId, EndReason.AppointmentCancelled, cancellationToken);

    /// <summary>Ends a consultation for a reason of the supervisor's (everyone left, maximum duration reached) or
    /// because its appointment was cancelled. Returns false when it had already ended or never opened.</summary>
    public async Task<bool> EndAutomaticallyAsync(AppointmentId appointmentId, EndReason reason, CancellationToken cancellationToken)
    {
        await using (var db = await Db.BeginAsync(dataSource, cancellationToken))
        {
            var appointment = await store.AppointmentAsync(db, appointmentId, cancellationToken);
            var consultation = await store.LockConsultationAsync(db, appointmentId, openAt: null, cancellationToken);
            if (appointment is null || consultation is null || consultation.State == ConsultationState.Ended)
            {
                return false;
            }
            // A cancelled appointment is never billed; for the supervisor's ends billing decides from the live media.
            var cancelled = reason == EndReason.AppointmentCancelled;
            await FinishAsync(db, appointment, consultation, reason, billable: !cancelled,
                unbillableReason: cancelled ? CancelledReason : null, cancellationToken);
            await db.CommitAsync(cancellationToken);
        }
        await AfterEndAsync(appointmentId, reason, cancellationToken);
        return true;
    }

    private async Task FinishAsync(
        Db db, AppointmentRow appointment, ConsultationRow consultation, EndReason reason, bool billable, string? unbillableReason,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = new AppointmentId(appointment.Id);
        await store.FinishAsync(db, id, now, reason, billable, unbillableReason, cancellationToken);
        await store.AppendAsync(db, id, now, TimelineKind.Ended, null, WireFormat.Text(reason), cancellationToken);
        var timeline = await store.TimelineAsync(db, id, cancellationToken);
        var together = LiveMedia.Together(timeline, new PersonId(appointment.PatientId), new PersonId(appointment.PractitionerId), now);
        await store.EnqueueAsync(db, new ConsultationEnded(
            id, now, new PersonId(appointment.PatientId), new PersonId(appointment.PractitionerId),
            new Money(appointment.PriceMinor, appointment.Currency.Trim()), appointment.ToAppointment().Payer,
            consultation.AdmittedAt is { } admitted ? AppointmentRow.Utc(admitted) : null,
            reason, billable, unbillableReason, together), cancellationToken);
    }

    private async Task AfterEndAsync(AppointmentId appointmentId, EndReason reason, CancellationToken cancellationToken)
    {
        RoomsLog.Ended(logger, appointmentId.Value, reason);
        await notifier.ConsultationEndedAsync(appointmentId, reason, cancellationToken);
        await media.CloseRoomAsync(appointmentId.ToString(), cancellationToken);
    }
}
