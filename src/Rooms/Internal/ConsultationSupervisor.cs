using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>Keeps time for the rooms: a dropped participant past the reconnect grace is marked as left; a consultation
/// in progress ends when everyone has gone for longer than the grace, or at the maximum duration. At start-up, the
/// participants the previous process had connected are marked disconnected, so they get the grace to rejoin.</summary>
internal sealed class ConsultationSupervisor(
    NpgsqlDataSource dataSource,
    IRoomsNode node,
    ConsultationService consultations,
    IRoomNotifier notifier,
    IOptions<RoomsOptions> options,
    TimeProvider time,
    RoomsMetrics metrics,
    SupervisorWakeup wakeup,
    ILogger<ConsultationSupervisor> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            // Media the previous process was relaying stopped when it did: end each open interval at its last mark
            // (at most a mark interval old), never at this restart.
            // With several nodes only this node's rooms (placed on it by its previous run) and participants (whose hub
            // connection was on it): the others' media and people are live elsewhere.
            var closed = await connection.ExecuteAsync(new CommandDefinition(
                OpenMedia.CloseSql(node.Shared ? "t.appointment_id IN (SELECT appointment_id FROM rooms.placements WHERE node_id = @node)" : "TRUE"),
                new { reason = "server_restart", node = node.Id }, cancellationToken: cancellationToken));
            if (closed > 0)
            {
                RoomsLog.MediaClosedAfterRestart(logger, closed);
            }
            var orphaned = await connection.ExecuteAsync(new CommandDefinition(
                """
                WITH gone AS (
                    UPDATE rooms.participants SET state = 'disconnected', disconnected_at = @now, connection_id = NULL
                    WHERE state IN ('waiting', 'admitted') AND (NOT @shared OR node_id = @node) RETURNING appointment_id, participant_id)
                INSERT INTO rooms.timeline (appointment_id, at, kind, participant_id, detail)
                SELECT appointment_id, @now, 'disconnected', participant_id, 'server_restart' FROM gone
                """,
                new { now = time.GetUtcNow().UtcDateTime, shared = node.Shared, node = node.Id }, cancellationToken: cancellationToken));
            if (orphaned > 0)
            {
                RoomsLog.ReconnectAfterRestart(logger, orphaned);
            }
        }
        await metrics.RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>Sweeps when the next deadline the last sweep saw comes (a reconnect grace ends, a deserted consultation's
    /// grace ends, a consultation reaches its maximum duration), at most every <see cref="RoomsOptions.SupervisorInterval"/>;
    /// this process's own changes wake it at once (<see cref="SupervisorWakeup"/>), and with several nodes it looks again
    /// at least every <see cref="RoomsOptions.SupervisorRestInterval"/> for work another instance started (a single node,
    /// every <see cref="SingleNodeRestInterval"/>). So a consultation in progress
    /// with everyone connected costs no sweep per second, and a server at rest none at all. The first sweep runs at
    /// once: what the previous process left past its grace or its maximum duration is handled at start-up, and the
    /// sweep's code is compiled while the server starts rather than at its first rest check, 30 s later.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception error) when (error is NpgsqlException or TimeoutException)
                {
                    RoomsLog.SweepFailed(logger, error);
                }
                await wakeup.WaitAsync(NextWait(), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private DateTimeOffset? nextDeadline;

    /// <summary>The longest a single node sleeps. It has no other instance whose work it must look for: its own changes
    /// wake it and the deadlines it read time it, so this is only a safety net. At rest each look costs a node about
    /// 20 ms of CPU on a 2-core VM (its database round trips, each a thread-pool wake-up), which at the 30 s rest
    /// interval doubled the at-rest cost (issue 9).</summary>
    internal static readonly TimeSpan SingleNodeRestInterval = TimeSpan.FromMinutes(10);

    /// <summary>How long the supervisor sleeps before its next look, from the deadline the last sweep saw; internal for
    /// the tests.</summary>
    internal TimeSpan NextWait()
    {
        var shortest = options.Value.SupervisorInterval;
        var longest = node.Shared || options.Value.SupervisorRestInterval > SingleNodeRestInterval
            ? options.Value.SupervisorRestInterval
            : SingleNodeRestInterval;
        if (nextDeadline is not { } deadline)
        {
            return longest;
        }
        var wait = deadline - time.GetUtcNow();
        return wait < shortest ? shortest : wait > longest ? longest : wait;
    }

    /// <summary>The soonest moment a sweep can find something to do, from what is in the database now; null when
    /// nothing is timed.</summary>
    private async Task<DateTimeOffset?> NextDeadlineAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var next = await connection.QuerySingleAsync<DateTime?>(new CommandDefinition(
            """
            SELECT LEAST(
                (SELECT min(disconnected_at) FROM rooms.participants WHERE state = 'disconnected') + @grace,
                (SELECT min(admitted_at) FROM rooms.consultations WHERE state = 'in_progress') + @maximum,
                (SELECT min(COALESCE(last_left, @now)) FROM (
                    SELECT max(p.left_at) + @grace AS last_left
                    FROM rooms.consultations c LEFT JOIN rooms.participants p ON p.appointment_id = c.appointment_id
                    WHERE c.state = 'in_progress'
                    GROUP BY c.appointment_id
                    HAVING bool_and(p.state IS NULL OR p.state NOT IN ('waiting', 'admitted', 'disconnected'))) deserted))
            """,
            new { now = now.UtcDateTime, grace = options.Value.ReconnectGrace, maximum = options.Value.MaximumDuration },
            cancellationToken: cancellationToken));
        return next is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    /// <summary>One pass; internal so tests can run it without waiting for the timer.</summary>
    internal async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var grace = options.Value.ReconnectGrace;
        List<(Guid AppointmentId, string ParticipantId)> expired;
        List<Guid> deserted;
        List<Guid> overtime;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            expired = (await connection.QueryAsync<(Guid, string)>(new CommandDefinition(
                """
                WITH gone AS (
                    UPDATE rooms.participants SET state = 'left', left_at = disconnected_at
                    WHERE state = 'disconnected' AND disconnected_at <= @cutoff RETURNING appointment_id, participant_id),
                logged AS (
                    INSERT INTO rooms.timeline (appointment_id, at, kind, participant_id, detail)
                    SELECT appointment_id, @now, 'left', participant_id, 'grace_expired' FROM gone)
                SELECT appointment_id, participant_id FROM gone
                """,
                new { now = now.UtcDateTime, cutoff = (now - grace).UtcDateTime }, cancellationToken: cancellationToken))).AsList();
            deserted = (await connection.QueryAsync<Guid>(new CommandDefinition(
                """
                SELECT c.appointment_id FROM rooms.consultations c
                WHERE c.state = 'in_progress'
                  AND NOT EXISTS (SELECT 1 FROM rooms.participants p WHERE p.appointment_id = c.appointment_id
                                  AND (p.state IN ('waiting', 'admitted', 'disconnected') OR p.left_at > @cutoff))
                """,
                new { cutoff = (now - grace).UtcDateTime }, cancellationToken: cancellationToken))).AsList();
            overtime = (await connection.QueryAsync<Guid>(new CommandDefinition(
                "SELECT appointment_id FROM rooms.consultations WHERE state = 'in_progress' AND admitted_at <= @cutoff",
                new { cutoff = (now - options.Value.MaximumDuration).UtcDateTime }, cancellationToken: cancellationToken))).AsList();
        }
        foreach (var (appointmentId, participantId) in expired)
        {
            RoomsLog.Left(logger, appointmentId, participantId, DepartureReason.GraceExpired);
            await consultations.StopMediaAsync(new AppointmentId(appointmentId), new PersonId(participantId), cancellationToken);
            await notifier.ParticipantLeftAsync(new AppointmentId(appointmentId), new PersonId(participantId), DepartureReason.GraceExpired, cancellationToken);
        }
        foreach (var appointmentId in deserted)
        {
            await consultations.EndAutomaticallyAsync(new AppointmentId(appointmentId), EndReason.EveryoneLeft, cancellationToken);
        }
        foreach (var appointmentId in overtime)
        {
            await consultations.EndAutomaticallyAsync(new AppointmentId(appointmentId), EndReason.MaximumDurationReached, cancellationToken);
        }
        await metrics.RefreshAsync(cancellationToken);
        nextDeadline = await NextDeadlineAsync(time.GetUtcNow(), cancellationToken);
    }
}
