using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>The placements of rooms on nodes (<c>rooms.placements</c>): insert-if-absent, compare-and-set moves.</summary>
internal sealed class RoomPlacementStore(
    NpgsqlDataSource dataSource,
    IRoomNotifier notifier,
    RoomsMetrics metrics,
    SupervisorWakeup supervisor,
    TimeProvider time,
    ILogger<RoomPlacementStore> logger) : IRoomPlacements
{
    public async Task<string?> NodeOfAsync(AppointmentId appointmentId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT node_id FROM rooms.placements WHERE appointment_id = @id", new { id = appointmentId.Value }, cancellationToken: cancellationToken));
    }

    public async Task<string> PlaceAsync(AppointmentId appointmentId, string node, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            """
            WITH placed AS (
                INSERT INTO rooms.placements (appointment_id, node_id, placed_at) VALUES (@id, @node, @now)
                ON CONFLICT (appointment_id) DO NOTHING RETURNING node_id)
            SELECT node_id FROM placed UNION ALL
            SELECT node_id FROM rooms.placements WHERE appointment_id = @id AND NOT EXISTS (SELECT 1 FROM placed)
            """,
            new { id = appointmentId.Value, node, now = time.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken))
            ?? throw new InvalidOperationException($"Room {appointmentId} has no placement after placing it.");
    }

    public async Task<RoomMove?> MoveAsync(AppointmentId appointmentId, string from, string to, string reason, CancellationToken cancellationToken)
    {
        await using var db = await Db.BeginAsync(dataSource, cancellationToken);
        var moved = await db.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE rooms.placements SET node_id = @to, placed_at = @now, moves = moves + 1 WHERE appointment_id = @id AND node_id = @from",
            new { id = appointmentId.Value, from, to, now = time.GetUtcNow().UtcDateTime }, db.Transaction, cancellationToken: cancellationToken));
        if (moved == 0)
        {
            return null;
        }
        await db.Connection.ExecuteAsync(new CommandDefinition(
            OpenMedia.CloseSql("t.appointment_id = @id"), new { id = appointmentId.Value, reason }, db.Transaction, cancellationToken: cancellationToken));
        var admitted = (await db.Connection.QueryAsync<string>(new CommandDefinition(
            "SELECT participant_id FROM rooms.participants WHERE appointment_id = @id AND admitted AND state IN ('admitted', 'disconnected')",
            new { id = appointmentId.Value }, db.Transaction, cancellationToken: cancellationToken))).AsList();
        await db.CommitAsync(cancellationToken);
        return new RoomMove(appointmentId, to, admitted);
    }

    public async Task<IReadOnlyList<AppointmentId>> RoomsOnAsync(IReadOnlyCollection<string> nodes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Guid>(new CommandDefinition(
            """
            SELECT p.appointment_id FROM rooms.placements p JOIN rooms.consultations c ON c.appointment_id = p.appointment_id
            WHERE c.state <> 'ended' AND p.node_id = ANY(@nodes)
            """,
            new { nodes = nodes.ToArray() }, cancellationToken: cancellationToken));
        return rows.Select(id => new AppointmentId(id)).ToList();
    }

    public async Task<IReadOnlyList<(AppointmentId Room, string Node)>> RoomsOffAsync(IReadOnlyCollection<string> liveNodes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(Guid, string)>(new CommandDefinition(
            """
            SELECT p.appointment_id, p.node_id FROM rooms.placements p JOIN rooms.consultations c ON c.appointment_id = p.appointment_id
            WHERE c.state <> 'ended' AND NOT (p.node_id = ANY(@live))
            """,
            new { live = liveNodes.ToArray() }, cancellationToken: cancellationToken));
        return rows.Select(r => (new AppointmentId(r.Item1), r.Item2)).ToList();
    }

    /// <summary>Participants whose hub connection was on a node that is gone get the reconnect grace, as after a restart.</summary>
    public async Task<int> ReleaseParticipantsOffAsync(IReadOnlyCollection<string> liveNodes, CancellationToken cancellationToken)
    {
        List<(Guid AppointmentId, string ParticipantId)> released;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            released = (await connection.QueryAsync<(Guid, string)>(new CommandDefinition(
                """
                WITH gone AS (
                    UPDATE rooms.participants SET state = 'disconnected', disconnected_at = @now, connection_id = NULL
                    WHERE state IN ('waiting', 'admitted') AND node_id IS NOT NULL AND NOT (node_id = ANY(@live))
                    RETURNING appointment_id, participant_id),
                logged AS (
                    INSERT INTO rooms.timeline (appointment_id, at, kind, participant_id, detail)
                    SELECT appointment_id, @now, 'disconnected', participant_id, 'node_lost' FROM gone)
                SELECT appointment_id, participant_id FROM gone
                """,
                new { now = time.GetUtcNow().UtcDateTime, live = liveNodes.ToArray() }, cancellationToken: cancellationToken))).AsList();
        }
        if (released.Count == 0)
        {
            return 0;
        }
        supervisor.Wake();
        foreach (var (appointmentId, participantId) in released)
        {
            RoomsLog.Left(logger, appointmentId, participantId, DepartureReason.ConnectionLost);
            metrics.ParticipantDisconnected();
            await notifier.ParticipantLeftAsync(new AppointmentId(appointmentId), new PersonId(participantId), DepartureReason.ConnectionLost, cancellationToken);
        }
        return released.Count;
    }
}
