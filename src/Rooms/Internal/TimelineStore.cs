using Npgsql;

namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>Reads a consultation's timeline.</summary>
internal sealed class TimelineStore(NpgsqlDataSource dataSource, ConsultationStore store) : IConsultationTimeline
{
    public async Task<IReadOnlyList<TimelineEntry>> ReadAsync(AppointmentId appointmentId, CancellationToken cancellationToken)
    {
        await using var db = await Db.BeginAsync(dataSource, cancellationToken);
        return await store.TimelineAsync(db, appointmentId, cancellationToken);
    }
}
