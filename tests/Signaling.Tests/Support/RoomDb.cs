using Dapper;
using Doctolib.Telehealth.Rooms;

namespace Doctolib.Telehealth.Signaling.Tests.Support;

/// <summary>Reads the Rooms module's rows, as an auditor would, to check what was stored.</summary>
public static class RoomDb
{
    public static async Task<List<string>> TimelineAsync(this TelehealthApp app, AppointmentId id)
    {
        await using var db = await app.DatabaseAsync();
        return (await db.QueryAsync<(string Kind, string? Participant)>(
            "SELECT kind, participant_id FROM rooms.timeline WHERE appointment_id = @id ORDER BY seq", new { id = id.Value }))
            .Select(r => r.Participant is null ? r.Kind : $"{r.Kind}:{r.Participant}").ToList();
    }

    public static async Task<List<(string Kind, string Payload)>> OutboxAsync(this TelehealthApp app, AppointmentId id)
    {
        await using var db = await app.DatabaseAsync();
        return (await db.QueryAsync<(string, string)>(
            "SELECT kind, payload::text FROM rooms.outbox WHERE appointment_id = @id ORDER BY seq", new { id = id.Value })).AsList();
    }

    public static async Task<string?> ConsultationStateAsync(this TelehealthApp app, AppointmentId id)
    {
        await using var db = await app.DatabaseAsync();
        return await db.ExecuteScalarAsync<string?>("SELECT state FROM rooms.consultations WHERE appointment_id = @id", new { id = id.Value });
    }

    public static async Task<string?> ParticipantStateAsync(this TelehealthApp app, AppointmentId id, string participant)
    {
        await using var db = await app.DatabaseAsync();
        return await db.ExecuteScalarAsync<string?>(
            "SELECT state FROM rooms.participants WHERE appointment_id = @id AND participant_id = @participant",
            new { id = id.Value, participant });
    }
}
