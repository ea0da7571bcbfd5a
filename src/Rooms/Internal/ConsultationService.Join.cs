namespace Doctolib.Telehealth.Rooms.Internal;

internal sealed partial class ConsultationService
{
    public async Task<RoomView> JoinAsync(AppointmentId appointmentId, Caller caller, string connectionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<ParticipantRow> participants;
        RoomView view;
        ParticipantRow me;
        await using (var db = await Db.BeginAsync(dataSource, cancellationToken))
        {
            var appointment = await RequireAppointmentAsync(db, appointmentId, cancellationToken);
            var kind = Authorize(appointment, caller);
            var existing = await store.LockConsultationAsync(db, appointmentId, openAt: null, cancellationToken);
            RequireNotEnded(existing);
            var before = await store.ParticipantsAsync(db, appointmentId, cancellationToken);
            var previous = before.Find(p => p.ParticipantId == caller.Id.Value);
            if (kind == ParticipantKind.Guest)
            {
                RequireInvited(before, caller);
            }
            var rejoiningInProgress = existing?.State == ConsultationState.InProgress && previous is { Admitted: true };
            if (!rejoiningInProgress)
            {
                RequireInsideWindow(appointment, now);
            }
            var consultation = await store.LockConsultationAsync(db, appointmentId, openAt: now, cancellationToken);
            var admitted = kind == ParticipantKind.Practitioner || (previous?.Admitted == true && consultation!.State == ConsultationState.InProgress);
            var state = admitted ? ParticipantState.Admitted : ParticipantState.Waiting;
            await store.UpsertParticipantAsync(db, appointmentId, caller.Id.Value, kind, state, admitted, connectionId, now, cancellationToken);
            var timelineKind = previous?.State switch
            {
                ParticipantState.Disconnected => TimelineKind.Reconnected,
                ParticipantState.Waiting or ParticipantState.Admitted => TimelineKind.Rejoined,
                null or ParticipantState.Invited => TimelineKind.Joined,
                ParticipantState.Left => TimelineKind.Returned,
                _ => throw new InvalidOperationException($"Unknown participant state {previous?.State}."),
            };
            await store.AppendAsync(db, appointmentId, now, timelineKind, caller.Id.Value, WireFormat.Text(state), cancellationToken);
            participants = await store.ParticipantsAsync(db, appointmentId, cancellationToken);
            await db.CommitAsync(cancellationToken);
            me = participants.Find(p => p.ParticipantId == caller.Id.Value)!;
            view = View(appointmentId, consultation!.State, caller.Id, kind, participants);
        }
        RoomsLog.Joined(logger, appointmentId.Value, caller.Id.Value, WireFormat.Text(me.State));
        metrics.ParticipantConnected();
        await notifier.ParticipantJoinedAsync(appointmentId, me.ToView(), cancellationToken);
        await NotifyWaitingRoomAsync(appointmentId, participants, cancellationToken);
        await SyncMediaAsync(appointmentId, participants, cancellationToken);
        return view;
    }

    private void RequireInsideWindow(AppointmentRow appointment, DateTimeOffset now)
    {
        var start = AppointmentRow.Utc(appointment.StartsAt);
        var opens = start - Options.JoinWindowBefore;
        var closes = start + TimeSpan.FromMinutes(appointment.DurationMinutes) + Options.JoinWindowAfter;
        if (now < opens)
        {
            throw new RoomException(RoomErrors.TooEarly,
                $"The room opens at {opens:yyyy-MM-ddTHH:mm:ssZ}, {Options.JoinWindowBefore.TotalMinutes:0} minutes before the appointment.",
                new Dictionary<string, string>
                {
                    ["opensAt"] = opens.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                    ["startsAt"] = start.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                    ["minutesBefore"] = Options.JoinWindowBefore.TotalMinutes.ToString("0", System.Globalization.CultureInfo.InvariantCulture),
                });
        }
        if (now > closes)
        {
            throw new RoomException(RoomErrors.TooLate,
                $"The room closed at {closes:yyyy-MM-ddTHH:mm:ssZ}; please contact your practitioner to book a new appointment.",
                new Dictionary<string, string>
                {
                    ["closedAt"] = closes.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                });
        }
    }
}
