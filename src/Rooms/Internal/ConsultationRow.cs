namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>A row of rooms.consultations.</summary>
internal sealed class ConsultationRow
{
    public const string Columns =
        "appointment_id AS AppointmentId, state AS State, opened_at AS OpenedAt, admitted_at AS AdmittedAt, ended_at AS EndedAt";

    public Guid AppointmentId { get; init; }
    public string State { get; init; } = "";
    public DateTime OpenedAt { get; init; }
    public DateTime? AdmittedAt { get; init; }
    public DateTime? EndedAt { get; init; }
}
