using System.Text.Json;
using Dapper;

namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>The SQL the lifecycle runs inside its transactions. Every method takes the open <see cref="Db"/>.</summary>
internal sealed class ConsultationStore(IRoomsNode node)
{
    public async Task<AppointmentRow?> AppointmentAsync(Db db, AppointmentId id, CancellationToken cancellationToken) =>
        await db.Connection.QuerySingleOrDefaultAsync<AppointmentRow>(new CommandDefinition(
            $"SELECT {AppointmentRow.Columns} FROM rooms.appointments a LEFT JOIN rooms.consultations c ON c.appointment_id = a.id WHERE a.id = @id",
            new { id = id.Value }, db.Transaction, cancellationToken: cancellationToken));

    /// <summary>Locks the consultation row (creating it, open, when <paramref name="openAt"/> is given) so that
    /// transitions of one consultation run one at a time.</summary>
    public async Task<ConsultationRow?> LockConsultationAsync(Db db, AppointmentId id, DateTimeOffset? openAt, CancellationToken cancellationToken)
    {
        if (openAt is { } at)
        {
            var created = await db.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO rooms.consultations (appointment_id, state, opened_at) VALUES (@id, 'open', @at) ON CONFLICT DO NOTHING",
                new { id = id.Value, at = at.UtcDateTime }, db.Transaction, cancellationToken: cancellationToken));
            if (created == 1)
            {
                await AppendAsync(db, id, at, TimelineKind.Opened, null, null, cancellationToken);
            }
        }
        return await db.Connection.QuerySingleOrDefaultAsync<ConsultationRow>(new CommandDefinition(
            $"SELECT {ConsultationRow.Columns} FROM rooms.consultations WHERE appointment_id = @id FOR UPDATE",
            new { id = id.Value }, db.Transaction, cancellationToken: cancellationToken));
    }

    public async Task<List<ParticipantRow>> ParticipantsAsync(Db db, AppointmentId id, CancellationToken cancellationToken) =>
        (await db.Connection.QueryAsync<ParticipantRow>(new CommandDefinition(
            $"SELECT {ParticipantRow.Columns} FROM rooms.participants WHERE appointment_id = @id ORDER BY joined_at NULLS LAST, participant_id",
            new { id = id.Value }, db.Transaction, cancellationToken: cancellationToken))).AsList();

    public Task UpsertParticipantAsync(
        Db db, AppointmentId id, string participantId, ParticipantKind kind, ParticipantState state, bool admitted,
        string? connectionId, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO rooms.participants (appointment_id, participant_id, kind, state, admitted, connection_id, joined_at, node_id)
            VALUES (@id, @participant, @kind, @state, @admitted, @connection, CASE WHEN @state = 'invited' THEN NULL ELSE @at END,
                CASE WHEN @connection IS NULL THEN NULL ELSE @node END)
            ON CONFLICT (appointment_id, participant_id) DO UPDATE SET state = excluded.state, admitted = excluded.admitted,
                connection_id = excluded.connection_id, node_id = excluded.node_id, joined_at = COALESCE(rooms.participants.joined_at, excluded.joined_at),
                disconnected_at = NULL, left_at = NULL
            """,
            new
            {
                id = id.Value, participant = participantId, kind = WireFormat.Text(kind), state = WireFormat.Text(state), admitted,
                connection = connectionId, at = at.UtcDateTime, node = node.Id,
            },
            db.Transaction, cancellationToken: cancellationToken));

    public Task SetParticipantStateAsync(
        Db db, AppointmentId id, string participantId, ParticipantState state, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE rooms.participants SET state = @state,
                admitted = admitted OR @state = 'admitted',
                connection_id = CASE WHEN @state IN ('waiting', 'admitted') THEN connection_id END,
                disconnected_at = CASE WHEN @state = 'disconnected' THEN @at END,
                left_at = CASE WHEN @state = 'left' THEN @at END
            WHERE appointment_id = @id AND participant_id = @participant
            """,
            new { id = id.Value, participant = participantId, state = WireFormat.Text(state), at = at.UtcDateTime },
            db.Transaction, cancellationToken: cancellationToken));

    public Task AppendAsync(
        Db db, AppointmentId id, DateTimeOffset at, TimelineKind kind, string? participantId, string? detail, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO rooms.timeline (appointment_id, at, kind, participant_id, detail) VALUES (@id, @at, @kind, @participant, @detail)",
            new { id = id.Value, at = at.UtcDateTime, kind = WireFormat.Text(kind), participant = participantId, detail },
            db.Transaction, cancellationToken: cancellationToken));

    /// <summary>Writes the entry and queues the outbox's notification; both take effect only at commit.</summary>
    public Task EnqueueAsync(Db db, ConsultationEvent consultationEvent, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO rooms.outbox (event_id, appointment_id, kind, payload, created_at) VALUES (@eventId, @id, @kind, @payload::jsonb, @at); " +
            "SELECT pg_notify(@channel, @id::text)",
            new
            {
                eventId = Guid.CreateVersion7(consultationEvent.OccurredAt),
                id = consultationEvent.AppointmentId.Value,
                kind = consultationEvent.GetType().Name,
                payload = JsonSerializer.Serialize(consultationEvent, RoomsJson.Options),
                at = consultationEvent.OccurredAt.UtcDateTime,
                channel = ConsultationOutboxChannel.Name,
            },
            db.Transaction, cancellationToken: cancellationToken));

    public async Task<List<TimelineEntry>> TimelineAsync(Db db, AppointmentId id, CancellationToken cancellationToken)
    {
        var rows = await db.Connection.QueryAsync<(long Seq, DateTime At, string Kind, string? Participant, string? Detail)>(new CommandDefinition(
            "SELECT seq, at, kind, participant_id, detail FROM rooms.timeline WHERE appointment_id = @id ORDER BY seq",
            new { id = id.Value }, db.Transaction, cancellationToken: cancellationToken));
        return rows.Select(r => new TimelineEntry(
            r.Seq, AppointmentRow.Utc(r.At), r.Kind, r.Participant is null ? null : new PersonId(r.Participant), r.Detail)).ToList();
    }

    public Task StartAsync(Db db, AppointmentId id, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE rooms.consultations SET state = 'in_progress', admitted_at = @at WHERE appointment_id = @id",
            new { id = id.Value, at = at.UtcDateTime }, db.Transaction, cancellationToken: cancellationToken));

    public Task FinishAsync(Db db, AppointmentId id, DateTimeOffset at, EndReason reason, bool billable, string? unbillableReason, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE rooms.consultations SET state = 'ended', ended_at = @at, end_reason = @reason, billable = @billable,
                unbillable_reason = @unbillableReason WHERE appointment_id = @id;
            UPDATE rooms.participants SET state = 'left', left_at = COALESCE(left_at, @at), connection_id = NULL
                WHERE appointment_id = @id AND state <> 'left';
            """,
            new { id = id.Value, at = at.UtcDateTime, reason = WireFormat.Text(reason), billable, unbillableReason },
            db.Transaction, cancellationToken: cancellationToken));

    /// <summary>The participant a live connection belongs to, locked.</summary>
    public async Task<(Guid AppointmentId, string ParticipantId)?> ByConnectionAsync(Db db, string connectionId, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleOrDefaultAsync<(Guid, string)?>(new CommandDefinition(
            "SELECT appointment_id, participant_id FROM rooms.participants WHERE connection_id = @connectionId AND state IN ('waiting', 'admitted') LIMIT 1",
            new { connectionId }, db.Transaction, cancellationToken: cancellationToken));
        return row;
    }
}
