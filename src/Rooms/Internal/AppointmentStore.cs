using System.Text.Json;
using Dapper;
using Npgsql;

namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>Appointments as the scheduling system sends them: idempotent upsert, cancel, read.</summary>
internal sealed class AppointmentStore(
    NpgsqlDataSource dataSource,
    ConsultationService consultations,
    TimeProvider time) : IAppointments
{
    public async Task<UpsertOutcome> UpsertAsync(AppointmentId id, AppointmentRequest request, CancellationToken cancellationToken)
    {
        await using var db = await Db.BeginAsync(dataSource, cancellationToken);
        var existing = await db.Connection.QuerySingleOrDefaultAsync<AppointmentRow>(new CommandDefinition(
            $"SELECT {AppointmentRow.Columns} FROM rooms.appointments a LEFT JOIN rooms.consultations c ON c.appointment_id = a.id " +
            "WHERE a.id = @id FOR UPDATE OF a",
            new { id = id.Value }, db.Transaction, cancellationToken: cancellationToken));
        var now = time.GetUtcNow();
        var payer = JsonSerializer.Serialize(request.Payer, RoomsJson.Options);
        if (existing is not null)
        {
            var current = existing.ToAppointment();
            if (Same(current, request) && current.CancelledAt is null)
            {
                return UpsertOutcome.Unchanged;
            }
            if (existing.ConsultationState is ConsultationState.InProgress or ConsultationState.Ended)
            {
                throw new RoomException(RoomErrors.AppointmentStarted,
                    "This appointment's consultation has already started; it can no longer be changed.");
            }
        }
        await db.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO rooms.appointments (id, practitioner_id, patient_id, patient_name, patient_email, starts_at,
                duration_minutes, price_minor, currency, payer, created_at, updated_at, practitioner_name)
            VALUES (@id, @practitioner, @patient, @name, @email, @start, @duration, @price, @currency, @payer::jsonb, @now, @now, @practitionerName)
            ON CONFLICT (id) DO UPDATE SET practitioner_id = excluded.practitioner_id, patient_id = excluded.patient_id,
                practitioner_name = excluded.practitioner_name,
                patient_name = excluded.patient_name, patient_email = excluded.patient_email, starts_at = excluded.starts_at,
                duration_minutes = excluded.duration_minutes, price_minor = excluded.price_minor,
                currency = excluded.currency, payer = excluded.payer, cancelled_at = NULL, updated_at = excluded.updated_at
            """,
            new
            {
                id = id.Value,
                practitioner = request.PractitionerId.Value,
                patient = request.PatientId.Value,
                name = request.PatientName,
                email = request.PatientEmail,
                practitionerName = request.PractitionerName,
                start = request.StartsAt.UtcDateTime,
                duration = request.DurationMinutes,
                price = request.Price.MinorUnits,
                currency = request.Price.Currency,
                payer,
                now = now.UtcDateTime,
            },
            db.Transaction, cancellationToken: cancellationToken));
        await db.CommitAsync(cancellationToken);
        return existing is null ? UpsertOutcome.Created : UpsertOutcome.Updated;
    }

    public async Task<bool> CancelAsync(AppointmentId id, CancellationToken cancellationToken)
    {
        int updated;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            updated = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE rooms.appointments SET cancelled_at = COALESCE(cancelled_at, @now), updated_at = @now WHERE id = @id",
                new { id = id.Value, now = time.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
        }
        if (updated == 0)
        {
            return false;
        }
        await consultations.EndBecauseCancelledAsync(id, cancellationToken);
        return true;
    }

    public async Task<Appointment?> GetAsync(AppointmentId id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<AppointmentRow>(new CommandDefinition(
            $"SELECT {AppointmentRow.Columns} FROM rooms.appointments a LEFT JOIN rooms.consultations c ON c.appointment_id = a.id WHERE a.id = @id",
            new { id = id.Value }, cancellationToken: cancellationToken));
        return row?.ToAppointment();
    }

    public async Task<IReadOnlyList<Appointment>> ListForPractitionerAsync(
        PersonId practitionerId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AppointmentRow>(new CommandDefinition(
            $"SELECT {AppointmentRow.Columns} FROM rooms.appointments a LEFT JOIN rooms.consultations c ON c.appointment_id = a.id " +
            "WHERE a.practitioner_id = @practitioner AND a.starts_at >= @from AND a.starts_at < @to ORDER BY a.starts_at",
            new { practitioner = practitionerId.Value, from = from.UtcDateTime, to = to.UtcDateTime },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToAppointment()).ToList();
    }

    private static bool Same(Appointment current, AppointmentRequest request) =>
        current.PractitionerId == request.PractitionerId
        && current.PatientId == request.PatientId
        && Math.Abs((current.StartsAt - request.StartsAt).Ticks) < 10
        && current.DurationMinutes == request.DurationMinutes
        && current.Price == request.Price
        && current.Payer == request.Payer
        && current.PatientName == request.PatientName
        && current.PatientEmail == request.PatientEmail
        && current.PractitionerName == request.PractitionerName;
}
