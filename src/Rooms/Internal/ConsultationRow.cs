namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>A row of rooms.consultations.</summary>
internal sealed class ConsultationRow
{
    public const string Columns =
        "appointment_id AS AppointmentId, state AS StateText, opened_at AS OpenedAt, admitted_at AS AdmittedAt, ended_at AS EndedAt";

    public Guid AppointmentId { get; init; }
    public string StateText { get; init; } = "";

    public ConsultationState State => WireFormat.Parse<ConsultationState>(StateText);
    public DateTime OpenedAt { get; init; }
    public DateTime? AdmittedAt { get; init; }
    public DateTime? EndedAt { get; init; }
}
