namespace Doctolib.Telehealth.Rooms.Internal;

internal sealed partial class ConsultationService
{
    public async Task LeaveAsync(AppointmentId appointmentId, Caller caller, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<ParticipantRow> participants;
        await using (var db = await Db.BeginAsync(dataSource, cancellationToken))
        {
            await RequireAppointmentAsync(db, appointmentId, cancellationToken);
            var consultation = await store.LockConsultationAsync(db, appointmentId, openAt: null, cancellationToken);
            RequireNotEnded(consultation);
            var me = (await store.ParticipantsAsync(db, appointmentId, cancellationToken)).Find(p => p.ParticipantId == caller.Id.Value);
            if (consultation is null || me is null || !(me.IsPresent || me.State == ParticipantState.Disconnected))
            {
                throw new RoomException(RoomErrors.NotInRoom, "You are not in this room.");
            }
            await store.SetParticipantStateAsync(db, appointmentId, caller.Id.Value, ParticipantState.Left, now, cancellationToken);
            await store.AppendAsync(db, appointmentId, now, TimelineKind.Left, caller.Id.Value, WireFormat.Text(DepartureReason.Left), cancellationToken);
            participants = await store.ParticipantsAsync(db, appointmentId, cancellationToken);
            await db.CommitAsync(cancellationToken);
        }
        RoomsLog.Left(logger, appointmentId.Value, caller.Id.Value, DepartureReason.Left);
        metrics.ParticipantDisconnected();
        await AfterDepartureAsync(appointmentId, caller.Id, DepartureReason.Left, participants, cancellationToken);
    }

    public async Task ConnectionLostAsync(string connectionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<ParticipantRow> participants;
        AppointmentId appointmentId;
        PersonId participantId;
        await using (var db = await Db.BeginAsync(dataSource, cancellationToken))
        {
            if (await store.ByConnectionAsync(db, connectionId, cancellationToken) is not { } found)
            {
                return;
            }
            appointmentId = new AppointmentId(found.AppointmentId);
            participantId = new PersonId(found.ParticipantId);
            await store.LockConsultationAsync(db, appointmentId, openAt: null, cancellationToken);
            var me = (await store.ParticipantsAsync(db, appointmentId, cancellationToken)).Find(p => p.ParticipantId == found.ParticipantId);
            if (me is null || me.ConnectionId != connectionId || !me.IsPresent)
            {
                return; // already replaced by a newer connection, or gone
            }
            await store.SetParticipantStateAsync(db, appointmentId, found.ParticipantId, ParticipantState.Disconnected, now, cancellationToken);
            await store.AppendAsync(db, appointmentId, now, TimelineKind.Disconnected, found.ParticipantId, null, cancellationToken);
            participants = await store.ParticipantsAsync(db, appointmentId, cancellationToken);
            await db.CommitAsync(cancellationToken);
        }
        RoomsLog.Left(logger, appointmentId.Value, participantId.Value, DepartureReason.ConnectionLost);
        metrics.ParticipantDisconnected();
        await AfterDepartureAsync(appointmentId, participantId, DepartureReason.ConnectionLost, participants, cancellationToken);
    }

    private async Task AfterDepartureAsync(
        AppointmentId appointmentId, PersonId participantId, DepartureReason reason, List<ParticipantRow> participants, CancellationToken cancellationToken)
    {
        supervisor.Wake();
        await notifier.ParticipantLeftAsync(appointmentId, participantId, reason, cancellationToken);
        await NotifyWaitingRoomAsync(appointmentId, participants, cancellationToken);
        await SyncMediaAsync(appointmentId, participants, cancellationToken);
    }
}
